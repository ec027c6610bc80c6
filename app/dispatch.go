package app

import (
	"context"
	"sync"

	"github.com/veilhq/veil/store"
)

// dispatcher runs items of one subject in arrival order, one at a time,
// and items of different subjects in parallel, at most `workers` at once.
type dispatcher struct {
	mu     sync.Mutex
	queues map[string][]store.InboxItem // subject → waiting items; present while a runner owns it
	sem    chan struct{}
	work   func(store.InboxItem)
	wg     sync.WaitGroup
}

func newDispatcher(workers int, work func(store.InboxItem)) *dispatcher {
	return &dispatcher{queues: map[string][]store.InboxItem{}, sem: make(chan struct{}, workers), work: work}
}

func (d *dispatcher) enqueue(it store.InboxItem) {
	d.mu.Lock()
	q, running := d.queues[it.Subject]
	d.queues[it.Subject] = append(q, it)
	d.mu.Unlock()
	if !running {
		d.wg.Add(1)
		go d.run(it.Subject)
	}
}

// run drains one subject's queue; the map entry marks it as owned.
func (d *dispatcher) run(subject string) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[subject]
		if len(q) == 0 {
			delete(d.queues, subject)
			d.mu.Unlock()
			return
		}
		it := q[0]
		d.queues[subject] = q[1:]
		d.mu.Unlock()
		d.sem <- struct{}{}
		d.work(it)
		<-d.sem
	}
}

// wait blocks until every queued item is processed or ctx ends.
func (d *dispatcher) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
