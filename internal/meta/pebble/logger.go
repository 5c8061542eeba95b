package pebble

import (
	"fmt"
	"log/slog"
)

// logger adapts *slog.Logger to Pebble's printf-style Logger.
type logger struct {
	l *slog.Logger
}

// Infof logs at debug: Pebble's informational messages ("Found 0 WALs",
// compaction notes) are the engine's own chatter, not the operator's.
func (l logger) Infof(format string, args ...any) {
	l.l.Debug(fmt.Sprintf(format, args...), "component", "pebble")
}

func (l logger) Errorf(format string, args ...any) {
	l.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf is called by Pebble for unrecoverable states (for example a failed
// WAL write) and must not return: continuing could acknowledge writes that
// are not durable. Panicking, rather than os.Exit, lets the process's owner
// decide how to die and keeps a stack trace.
func (l logger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.l.Error(msg, "component", "pebble", "fatal", true)
	panic(fatalError("meta/pebble: " + msg))
}

// fatalError is the panic value of Fatalf, so that the one place that can
// recover from it (a failed WAL commit, see applyNoSyncWait) knows it.
type fatalError string

func (e fatalError) Error() string { return string(e) }
