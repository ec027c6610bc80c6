package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/whatsapp"
)

// sharedQueue is what a store that several replicas share offers
// (store/postgres): leased inbox claims that keep each user's messages in
// order across replicas, an outbox completed in the same transaction as the
// turn, and a leader lock.
type sharedQueue interface {
	ClaimInbox(ctx context.Context, worker string, lease time.Duration) (postgres.Claim, bool, error)
	ReleaseClaim(ctx context.Context, id, worker string) error
	CompleteWithReplies(ctx context.Context, id, subject string, payloads [][]byte) ([]int64, error)
	ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]postgres.OutboxItem, error)
	MarkSent(ctx context.Context, id int64) error
	MarkFailed(ctx context.Context, id int64, retryAfter time.Duration) error
	WithLeaderLock(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error)
}

var _ sharedQueue = (*postgres.Store)(nil)

const (
	pollEvery      = 250 * time.Millisecond
	maxSendTries   = 8
	maxRetryDelay  = 5 * time.Minute
	firstSendRetry = 2 * time.Second
)

// outboxPayload is one reply and its recipient, sealed with the
// recipient's key.
type outboxPayload struct {
	To    string         `json:"to"`
	MsgID string         `json:"msg_id"` // the inbound message it answers
	Reply pipeline.Reply `json:"reply"`
}

// outboxRefPrefix tags sent messages (WhatsApp's biz_opaque_callback_data)
// so a status webhook can confirm an outbox row whose sender died before
// recording the send.
const outboxRefPrefix = "veil-outbox:"

// RefSender is a Sender that can tag a message so that its delivery
// statuses name the tag (the WhatsApp sender does).
type RefSender interface {
	SendRef(ctx context.Context, to string, r pipeline.Reply, ref string) error
}

func outboxAAD(subject string) []byte { return []byte("veil/outbox/v1\x00" + subject) }

func (a *App) inboxLease() time.Duration { return a.Config.Pipeline.ClaimLease }

// startReplica starts this replica's inbox workers and its outbox sender.
func (a *App) startReplica(workers int) {
	host, _ := os.Hostname()
	id := fmt.Sprintf("%s-%d-%04x", host, os.Getpid(), rand.Uint32()&0xffff)
	for i := range workers {
		a.bg.Add(1)
		go a.inboxWorker(fmt.Sprintf("%s/%d", id, i))
	}
	if a.sender != nil {
		for range workers {
			a.bg.Add(1)
			go a.outboxSender()
		}
	}
}

// poke wakes a sleeping loop without blocking.
func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// idle waits for a poke, the poll interval or the stop.
func (a *App) idle(wake chan struct{}) bool {
	select {
	case <-a.stop:
		return false
	case <-wake:
	case <-time.After(pollEvery):
	}
	return true
}

func (a *App) inboxWorker(worker string) {
	defer a.bg.Done()
	ctx := context.Background()
	for {
		select {
		case <-a.stop:
			return
		default:
		}
		c, ok, err := a.queue.ClaimInbox(ctx, worker, a.inboxLease())
		if err != nil {
			a.Log.Error().Err(err).Msg("inbox claim failed")
		}
		if err != nil || !ok {
			if !a.idle(a.wakeInbox) {
				return
			}
			continue
		}
		a.runClaimed(ctx, c)
		poke(a.wakeInbox) // another item may be claimable now
	}
}

// runClaimed runs a claimed turn and completes it with its replies queued
// in the outbox, in one transaction.
func (a *App) runClaimed(ctx context.Context, c postgres.Claim) {
	item := c.Item
	if c.Attempts > 0 {
		a.Log.Warn().Str("msg_id", item.ID).Int("attempt", c.Attempts+1).Msg("re-running a turn whose worker stopped")
	}
	turn, _ := a.runTurn(ctx, item)
	if turn == nil || len(turn.Out) == 0 {
		a.complete(ctx, item.ID)
		return
	}
	var payloads [][]byte
	var err error
	for _, r := range turn.Out {
		var raw, sealed []byte
		if raw, err = json.Marshal(outboxPayload{To: turn.UserID, MsgID: item.ID, Reply: r}); err != nil {
			break
		}
		if sealed, err = a.Keys.Seal(ctx, item.Subject, raw, outboxAAD(item.Subject)); err != nil {
			break
		}
		payloads = append(payloads, sealed)
	}
	if err == nil {
		_, err = a.queue.CompleteWithReplies(ctx, item.ID, item.Subject, payloads)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.Log.Warn().Str("msg_id", item.ID).Msg("turn already completed by another worker; reply dropped")
	case err != nil:
		// Left in the inbox: the turn runs again when the lease ends.
		a.Log.Error().Str("msg_id", item.ID).Err(err).Msg("completing the turn failed")
	default:
		poke(a.wakeOutbox)
	}
}

func (a *App) outboxSender() {
	defer a.bg.Done()
	ctx := context.Background()
	for {
		select {
		case <-a.stop:
			return
		default:
		}
		// One reply at a time, sent within the claim's lease, so a slow
		// send never lets another replica claim (and send) it too.
		lease := a.Config.Pipeline.ClaimLease
		items, err := a.queue.ClaimOutbox(ctx, 1, lease)
		if err != nil {
			a.Log.Error().Err(err).Msg("outbox claim failed")
		}
		if err != nil || len(items) == 0 {
			if !a.idle(a.wakeOutbox) {
				return
			}
			continue
		}
		for _, it := range items {
			a.sendOutbox(ctx, it, lease*4/5)
		}
	}
}

// sendOutbox sends one reply. A failure is retried with backoff
// (WhatsApp's Retry-After when it gives one), up to maxSendTries.
func (a *App) sendOutbox(ctx context.Context, it postgres.OutboxItem, within time.Duration) {
	raw, err := a.Keys.Open(ctx, it.Subject, it.Payload, outboxAAD(it.Subject))
	if errors.Is(err, keyring.ErrShredded) {
		a.markSent(ctx, it.ID) // the user erased their data: nothing to send
		return
	}
	var p outboxPayload
	if err == nil {
		err = json.Unmarshal(raw, &p)
	}
	if err != nil {
		a.Log.Error().Int64("outbox", it.ID).Err(err).Msg("outbox item unreadable; dropped")
		a.markSent(ctx, it.ID)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, within)
	if rs, ok := a.sender.(RefSender); ok {
		err = rs.SendRef(sctx, p.To, p.Reply, fmt.Sprintf("%s%d", outboxRefPrefix, it.ID))
	} else {
		err = a.sender.Send(sctx, p.To, p.Reply)
	}
	cancel()
	if err == nil {
		a.markSent(ctx, it.ID)
		return
	}
	log := a.Log.Error().Str("msg_id", p.MsgID).Str("user", a.Keys.LogID(p.To)).Int("attempt", it.Attempts+1).Err(err)
	if it.Attempts+1 >= maxSendTries {
		log.Msg("reply not delivered; giving up")
		a.markSent(ctx, it.ID)
		return
	}
	delay := firstSendRetry << it.Attempts
	if ae, ok := whatsapp.AsAPIError(err); ok && ae.RetryAfter > 0 {
		delay = ae.RetryAfter
	}
	delay = min(delay, maxRetryDelay)
	log.Dur("retry_in", delay).Msg("reply not delivered; will retry")
	if err := a.queue.MarkFailed(ctx, it.ID, delay); err != nil {
		a.Log.Error().Int64("outbox", it.ID).Err(err).Msg("outbox mark failed")
	}
}

// confirmSent marks the outbox row a status webhook names as sent.
func (a *App) confirmSent(ctx context.Context, ref string) {
	rest, ok := strings.CutPrefix(ref, outboxRefPrefix)
	if !ok || a.queue == nil {
		return
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return
	}
	a.markSent(ctx, id)
}

func (a *App) markSent(ctx context.Context, id int64) {
	if err := a.queue.MarkSent(ctx, id); err != nil {
		a.Log.Error().Int64("outbox", id).Err(err).Msg("outbox mark sent failed")
	}
}
