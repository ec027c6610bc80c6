package postgres

import (
	"testing"

	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/storetest"
)

func TestConformance(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return openMigrated(t, Options{})
	})
}
