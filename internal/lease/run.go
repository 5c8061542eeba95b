package lease

import (
	"context"
	"errors"
	"time"
)

// Run runs fn whenever this node holds the lease name, until ctx ends, so
// that across all the nodes that call Run for name at most one fn runs at
// a time (as long as their clocks agree to well within the TTL).
//
// It tries to acquire the lease every third of the TTL. Once it holds it,
// it calls fn with a context that ends when ctx does or when the lease is
// lost, and renews the lease every third of the TTL while fn runs. A
// renewal that fails for a reason other than a takeover is retried; if
// none succeeds before the lease would expire, fn's context ends too, so
// fn stops before another node may start. When fn returns, the lease is
// released; fn that has nothing more to do should therefore wait for its
// context rather than return, or another node starts it again.
//
// fn must stop promptly when its context ends. It receives the lease for
// fencing its progress writes (Check).
func (l *Leases) Run(ctx context.Context, name string, fn func(ctx context.Context, ls Lease)) {
	every := l.ttl / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for ctx.Err() == nil {
		ls, err := l.Acquire(ctx, name)
		switch {
		case err == nil:
			l.log.Info("lease acquired", "lease", name, "token", ls.Token)
			l.hold(ctx, ls, t.C, fn)
		case !errors.Is(err, ErrHeld) && ctx.Err() == nil:
			l.log.Warn("lease acquisition failed", "lease", name, "err", err)
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

// hold runs fn under ls, renewing ls on every tick, and returns once fn
// has returned.
func (l *Leases) hold(ctx context.Context, ls Lease, tick <-chan time.Time, fn func(context.Context, Lease)) {
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(fctx, ls)
	}()
	for {
		select {
		case <-done:
			// Released even when ctx ended (a graceful stop): a restart
			// or another node may then take over at once.
			if err := l.Release(context.WithoutCancel(ctx), ls); err != nil {
				l.log.Warn("lease release failed; it will expire", "lease", ls.Name, "err", err)
			}
			return
		case <-tick:
		}
		next, err := l.Renew(fctx, ls)
		switch {
		case err == nil:
			ls = next
			continue
		case errors.Is(err, ErrLost):
			l.log.Warn("lease lost to another node; engine stopped", "lease", ls.Name, "token", ls.Token)
			cancel()
		case fctx.Err() != nil:
		default:
			l.log.Warn("lease renewal failed", "lease", ls.Name, "err", err)
			// Stop unless two thirds of the TTL remain: the next tick
			// may come too late, and fn needs time to notice and the
			// clocks' skew some room.
			if ls.Expires.Sub(l.clock.Now()) < 2*l.ttl/3 {
				cancel()
			}
		}
	}
}
