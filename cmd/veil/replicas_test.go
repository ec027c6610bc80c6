package main

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store/postgres/pgtest"
)

// Two `veil serve` on one PostgreSQL, switched on by VEIL_DATABASE_URL
// alone: `veil migrate up` first, then webhooks for the same users spread
// over both servers, every message also redelivered to the other one.
func TestServeTwoReplicasOnPostgres(t *testing.T) {
	schema := pgtest.Schema(t)
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	graph := newGraphAPI(t)
	base := map[string]string{
		"VEIL_DATABASE_URL":             u.String(),
		"VEIL_MASTER_KEY":               keyring.GenerateMasterKey(),
		"VEIL_WHATSAPP_VERIFY_TOKEN":    verifyToken,
		"VEIL_WHATSAPP_APP_SECRET":      appSecret,
		"VEIL_WHATSAPP_ACCESS_TOKEN":    accessToken,
		"VEIL_WHATSAPP_PHONE_NUMBER_ID": phoneID,
		"VEIL_WHATSAPP_API_URL":         graph.srv.URL,
	}
	env := func(extra map[string]string) map[string]string {
		m := map[string]string{"VEIL_DATA_DIR": t.TempDir()}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}

	// An unmigrated database is refused with what to run.
	var errOut strings.Builder
	code := run(t.Context(), []string{"serve"}, stdio{in: strings.NewReader(""), out: &errOut, err: &errOut}, func(k string) string { return env(nil)[k] })
	if code == 0 || !strings.Contains(errOut.String(), "veil migrate up") {
		t.Fatalf("serve on an unmigrated database: code %d, %q", code, errOut.String())
	}
	var out strings.Builder
	if code := run(t.Context(), []string{"migrate", "up"}, stdio{in: strings.NewReader(""), out: &out, err: &out}, func(k string) string { return env(nil)[k] }); code != 0 {
		t.Fatalf("migrate up: %d %s", code, out.String())
	}

	a := startServe(t, env(map[string]string{"VEIL_ADDR": freeAddr(t)}))
	b := startServe(t, env(map[string]string{"VEIL_ADDR": freeAddr(t)}))
	servers := []*server{a, b}
	graph.webhooks = func() []string { return []string{a.addr, b.addr} }
	users := []string{"447700900201", "447700900202", "34612000203"}
	var wg sync.WaitGroup
	for ui, user := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msgs := [][]byte{
				textMsg(user, fmt.Sprintf("wamid.r%d.1", ui), "hello, my email is "+rawEmail),
				buttonMsg(user, fmt.Sprintf("wamid.r%d.2", ui), "consent:agree", "I agree"),
				textMsg(user, fmt.Sprintf("wamid.r%d.3", ui), "where is my order 12345678? email "+rawEmail),
				textMsg(user, fmt.Sprintf("wamid.r%d.4", ui), "thanks"),
			}
			for i, m := range msgs {
				s := servers[(ui+i)%2]
				if code := s.post(t, m, sign(m)); code != 200 {
					t.Errorf("%s msg %d: status %d", user, i, code)
				}
				other := servers[(ui+i+1)%2]
				if code := other.post(t, m, sign(m)); code != 200 {
					t.Errorf("%s msg %d redelivered: status %d", user, i, code)
				}
			}
		}()
	}
	wg.Wait()
	want := 4 * len(users)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replica a logs:\n%s\nreplica b logs:\n%s", a.logs.String(), b.logs.String())
		}
	})
	sent := graph.waitFor(want)
	time.Sleep(700 * time.Millisecond) // a duplicate reply would show now
	if n := graph.count(); n != want {
		t.Fatalf("graph received %d messages, want %d", n, want)
	}
	by := map[string][]string{}
	for _, m := range sent {
		by[m.To] = append(by[m.To], m.body())
	}
	for _, user := range users {
		got := by[user]
		wantSub := []string{"STOP", "Thank you", rawEmail, "welcome"}
		if len(got) != len(wantSub) {
			t.Fatalf("%s: %d replies %q", user, len(got), got)
		}
		for i, w := range wantSub {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s reply %d = %q, want %q", user, i+1, got[i], w)
			}
		}
	}
	logs := a.logs.String() + b.logs.String()
	a.stop(t)
	b.stop(t)
	for _, raw := range append(users, rawEmail) {
		if i := strings.Index(logs, raw); i >= 0 {
			t.Errorf("logs carry %q: %s", raw, logs[max(0, i-300):min(len(logs), i+100)])
		}
	}
}
