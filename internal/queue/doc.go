// Package queue keeps the durable state of coffer's background engines
// in meta: named cursors that record how far a pass got, so that an
// engine resumes where it stopped after a restart or a crash. It knows
// nothing of what the engines do; each engine names its cursors and owns
// their contents.
package queue
