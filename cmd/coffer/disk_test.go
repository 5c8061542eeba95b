package main

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// TestBuildOrStop_obeysStopDuringStart: a start stuck opening a store (as
// Pebble on a full disk can be, where no context reaches) still ends when
// the stop signal comes.
func TestBuildOrStop_obeysStopDuringStart(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	ctx, cancel := context.WithCancel(t.Context())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := buildOrStop(ctx, slog.New(slog.DiscardHandler), time.Millisecond, func() (*app, error) {
			close(started)
			<-stuck
			return nil, errors.New("never")
		})
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, errStoppedDuringStart) {
		t.Fatalf("buildOrStop after the stop signal = %v, want errStoppedDuringStart", err)
	}
}

func TestBuildOrStop_returnsTheBuild(t *testing.T) {
	want := &app{}
	got, err := buildOrStop(t.Context(), slog.New(slog.DiscardHandler), time.Millisecond, func() (*app, error) { return want, nil })
	if err != nil || got != want {
		t.Fatalf("buildOrStop = %p, %v; want the built app", got, err)
	}
	boom := errors.New("boom")
	if _, err := buildOrStop(t.Context(), slog.New(slog.DiscardHandler), time.Millisecond, func() (*app, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("buildOrStop = %v, want the build's error", err)
	}
}
