package main

import (
	"io"
	"log/slog"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/reqid"
)

// newLogger returns the process logger: text or JSON on w, at the configured
// level, with the request id added to records logged with a request's
// context.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(reqid.NewHandler(h))
}
