package app

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

func TestDispatcherOrdersPerUserAndRunsUsersInParallel(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]string{}
	active := map[string]int{}
	maxActive, overlapUsers := 0, 0
	running := 0
	release := make(chan struct{})
	d := newDispatcher(4, func(it store.InboxItem) {
		mu.Lock()
		active[it.Subject]++
		if active[it.Subject] > 1 {
			t.Errorf("two items of %s at once", it.Subject)
		}
		running++
		if running > maxActive {
			maxActive = running
		}
		if running > 1 {
			overlapUsers++
		}
		mu.Unlock()
		<-release
		mu.Lock()
		got[it.Subject] = append(got[it.Subject], it.ID)
		active[it.Subject]--
		running--
		mu.Unlock()
	})
	users := []string{"u1", "u2", "u3"}
	for i := 0; i < 5; i++ {
		for _, u := range users {
			d.enqueue(store.InboxItem{ID: fmt.Sprintf("%s-%d", u, i), Subject: u})
		}
	}
	// Let the three users' first items start together before releasing.
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		r := running
		mu.Unlock()
		if r == len(users) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if len(got[u]) != 5 {
			t.Fatalf("%s processed %d items", u, len(got[u]))
		}
		for i, id := range got[u] {
			if id != fmt.Sprintf("%s-%d", u, i) {
				t.Fatalf("%s out of order: %v", u, got[u])
			}
		}
	}
	if maxActive < len(users) {
		t.Errorf("users did not run in parallel: max %d at once", maxActive)
	}
}

func TestDispatcherWaitHonoursContext(t *testing.T) {
	block := make(chan struct{})
	d := newDispatcher(1, func(store.InboxItem) { <-block })
	d.enqueue(store.InboxItem{ID: "x", Subject: "s"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := d.wait(ctx); err == nil {
		t.Fatal("wait returned before the item finished")
	}
	close(block)
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}
