package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store/postgres/pgtest"
)

// process is a `veil serve` child process.
type process struct {
	cmd    *exec.Cmd
	addr   string
	logs   *syncBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // its exit status, once exited
}

func startProcess(t *testing.T, env map[string]string, args ...string) *process {
	t.Helper()
	p := &process{addr: env["VEIL_ADDR"], logs: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(os.Environ(), runAsVeil+"=1")
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if code, err := getStatus("http://" + p.addr + "/readyz"); err == nil && code == 200 {
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("veil %v exited: %v\n%s", args, p.err, p.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("veil %v not ready:\n%s", args, p.logs.String())
	return nil
}

func (p *process) server() *server { return &server{addr: p.addr, logs: p.logs} }

// Two `veil serve` processes on one PostgreSQL; one is killed (SIGKILL)
// while messages flow. Every message it had acknowledged is still
// answered, by the survivor once the claim lease ends, each user's replies
// keep their order, and no reply is sent twice.
func TestServeProcessKilledMidStream(t *testing.T) {
	schema := pgtest.Schema(t)
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	graph := newGraphAPI(t)
	cfgPath := filepath.Join(t.TempDir(), "veil.yaml")
	if err := os.WriteFile(cfgPath, []byte("pipeline:\n  turn_timeout: 1s\n  claim_lease: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(addr string) map[string]string {
		return map[string]string{
			"VEIL_CONFIG":                   cfgPath,
			"VEIL_ADDR":                     addr,
			"VEIL_DATA_DIR":                 t.TempDir(),
			"VEIL_DATABASE_URL":             u.String(),
			"VEIL_MASTER_KEY":               masterKeyForProcesses,
			"VEIL_WHATSAPP_VERIFY_TOKEN":    verifyToken,
			"VEIL_WHATSAPP_APP_SECRET":      appSecret,
			"VEIL_WHATSAPP_ACCESS_TOKEN":    accessToken,
			"VEIL_WHATSAPP_PHONE_NUMBER_ID": phoneID,
			"VEIL_WHATSAPP_API_URL":         graph.srv.URL,
		}
	}
	var out strings.Builder
	if code := run(t.Context(), []string{"migrate", "up"}, stdio{in: strings.NewReader(""), out: &out, err: &out}, func(k string) string { return env("")[k] }); code != 0 {
		t.Fatalf("migrate: %s", out.String())
	}
	a := startProcess(t, env(freeAddr(t)), "serve")
	b := startProcess(t, env(freeAddr(t)), "serve")
	graph.webhooks = func() []string { return []string{a.addr, b.addr} }

	users := []string{"447700900301", "447700900302", "447700900303", "34612000304", "34612000305", "15550000306"}
	script := func(ui int, user string) [][]byte {
		return [][]byte{
			textMsg(user, fmt.Sprintf("wamid.k%d.1", ui), "hi"),
			buttonMsg(user, fmt.Sprintf("wamid.k%d.2", ui), "consent:agree", "I agree"),
			textMsg(user, fmt.Sprintf("wamid.k%d.3", ui), "where is my order 12345678? my email is "+rawEmail),
			textMsg(user, fmt.Sprintf("wamid.k%d.4", ui), "thanks"),
		}
	}
	// The first two messages of every user go to both replicas in turn...
	var wg sync.WaitGroup
	for ui, user := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, m := range script(ui, user)[:2] {
				p := []*process{a, b}[(ui+i)%2]
				if code := p.server().post(t, m, sign(m)); code != 200 {
					t.Errorf("%s msg %d: %d", user, i, code)
				}
			}
		}()
	}
	wg.Wait()
	// ...then A dies without warning, whatever it was doing.
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.exited
	for ui, user := range users {
		for _, m := range script(ui, user)[2:] {
			if code := b.server().post(t, m, sign(m)); code != 200 {
				t.Errorf("%s: %d", user, code)
			}
		}
	}
	want := []string{"STOP", "Thank you", rawEmail, "welcome"}
	deadline := time.Now().Add(90 * time.Second)
	var by map[string][]string
	for {
		by = map[string][]string{}
		for _, m := range graph.all() {
			by[m.To] = append(by[m.To], m.body())
		}
		complete := true
		for _, user := range users {
			if len(collapse(by[user])) < len(want) {
				complete = false
			}
		}
		if complete || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, user := range users {
		got := collapse(by[user])
		if len(got) != len(want) {
			t.Fatalf("%s: replies %q, want %d distinct in order\nA:\n%s\nB:\n%s", user, by[user], len(want), a.logs.String(), b.logs.String())
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s reply %d = %q, want %q", user, i+1, got[i], w)
			}
		}
		// A reply WhatsApp accepted is confirmed by its status webhook
		// even when its sender died before recording the send: none is
		// sent twice.
		if len(by[user]) != len(got) {
			t.Errorf("%s: a reply was sent twice: %q", user, by[user])
		}
	}
	for _, raw := range []string{rawEmail, users[0]} {
		if strings.Contains(a.logs.String()+b.logs.String(), raw) {
			t.Errorf("logs carry %q", raw)
		}
	}
}

// collapse drops a reply that repeats the one before it.
func collapse(replies []string) []string {
	var out []string
	for _, r := range replies {
		if len(out) > 0 && out[len(out)-1] == r {
			continue
		}
		out = append(out, r)
	}
	return out
}

var masterKeyForProcesses = keyring.GenerateMasterKey()
