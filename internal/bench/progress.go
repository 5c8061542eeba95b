package bench

import (
	"fmt"
	"strings"
	"time"
)

// progressWidth is the width the progress line is padded to, so a shorter
// line fully overwrites a longer one.
const progressWidth = 78

// startProgress prints a progress line for p to cfg.Progress once a second,
// rewriting it in place, until the returned function is called; that
// function erases the line. Without a progress writer it does nothing.
func (b *bench) startProgress(p *phase, label string, start time.Time) (stop func()) {
	out := b.cfg.Progress
	if out == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var lastOps, lastBytes int64
		last := start
		for {
			select {
			case <-done:
				fmt.Fprintf(out, "\r%s\r", strings.Repeat(" ", progressWidth))
				return
			case now := <-tick.C:
				ops, bytes := p.ops.Load(), p.bytes.Load()
				secs := now.Sub(last).Seconds()
				line := fmt.Sprintf("%s %5.0fs  %d ops  %.1f ops/s  %.2f MiB/s  %d errors",
					label, now.Sub(start).Seconds(), ops,
					float64(ops-lastOps)/secs, float64(bytes-lastBytes)/secs/(1<<20), p.errs.Load())
				fmt.Fprintf(out, "\r%-*s", progressWidth, line)
				lastOps, lastBytes, last = ops, bytes, now
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// status shows on the progress line what the run is doing outside a phase
// (uploading before measuring, cleaning up), so a long preparation does not
// look like a hang. An empty msg erases the line.
func (b *bench) status(msg string) {
	if out := b.cfg.Progress; out != nil {
		fmt.Fprintf(out, "\r%-*s", progressWidth, msg)
		if msg == "" {
			fmt.Fprint(out, "\r")
		}
	}
}
