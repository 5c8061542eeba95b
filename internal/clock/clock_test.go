package clock

import (
	"sync"
	"testing"
	"time"
)

func TestFakeMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f := NewFake(start)
	if got := f.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	f.Advance(90 * time.Minute)
	if got, want := f.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("after Advance: Now() = %v, want %v", got, want)
	}
	later := start.AddDate(1, 0, 0)
	f.Set(later)
	if got := f.Now(); !got.Equal(later) {
		t.Errorf("after Set: Now() = %v, want %v", got, later)
	}
}

func TestFakeConcurrentAdvance(t *testing.T) {
	start := time.Unix(0, 0)
	f := NewFake(start)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			f.Advance(time.Second)
			_ = f.Now()
		})
	}
	wg.Wait()
	if got, want := f.Now(), start.Add(50*time.Second); !got.Equal(want) {
		t.Errorf("Now() = %v, want %v", got, want)
	}
}

var _ Clock = Real{}
var _ Clock = (*Fake)(nil)
