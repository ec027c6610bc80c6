// Package parallel runs the evaluators' per-record work over a fixed
// number of workers, stopping early when the context ends.
package parallel

import (
	"context"
	"sync"
)

// Each calls fn(i) for every i in [0, n) on up to workers goroutines and
// waits for them. Each index is handed out once; when ctx ends, no further
// index is handed out and ctx's error is returned after the running calls
// finish. fn must be safe for concurrent use (results go into slots of i).
func Each(ctx context.Context, n, workers int, fn func(i int)) error {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(i)
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return err
}
