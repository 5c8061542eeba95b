package operatorapi

import (
	"context"
	"errors"
	"net/url"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Reencrypter is what the operator API needs of the re-encryption job;
// cmd/coffer adapts internal/reencrypt to it.
type Reencrypter interface {
	// Status returns the job's progress.
	Status(ctx context.Context) (ReencryptionStatus, error)
	// RunPass runs a full pass now and returns when it is complete.
	RunPass(ctx context.Context) (ReencryptionStatus, error)
}

// ReencryptionCounts are what one re-encryption pass did.
type ReencryptionCounts struct {
	// Scanned counts the versions walked, Reencrypted those encrypted
	// and Bytes their plaintext bytes; Skipped those that changed while
	// worked on, Failed those whose stored plaintext failed its checks,
	// Errors those the store could not re-encrypt.
	Scanned     int64 `xml:"Scanned"`
	Reencrypted int64 `xml:"Reencrypted"`
	Bytes       int64 `xml:"Bytes"`
	Skipped     int64 `xml:"Skipped"`
	Failed      int64 `xml:"Failed"`
	Errors      int64 `xml:"Errors"`
}

// ReencryptionStatus is the result of GetReencryptionStatus and
// RunReencryption.
type ReencryptionStatus struct {
	// Enabled is whether encryption at rest is on (the job runs only
	// then); Rate the background rate in bytes per second (0: off).
	Enabled bool  `xml:"Enabled"`
	Rate    int64 `xml:"Rate"`
	// InPass is set while a pass runs, PassStarted (ISO 8601, UTC) when
	// it began and Current its counts so far.
	InPass      bool               `xml:"InPass"`
	PassStarted string             `xml:"PassStarted,omitempty"`
	Current     ReencryptionCounts `xml:"Current"`
	// Owed is set when a pass is due because plaintext may have been
	// stored since the last one; RetryAt when one is due again.
	Owed    bool   `xml:"Owed"`
	RetryAt string `xml:"RetryAt,omitempty"`
	// LastStarted and LastCompleted time the last complete pass and Last
	// holds its counts; Passes counts complete passes.
	LastStarted   string             `xml:"LastStarted,omitempty"`
	LastCompleted string             `xml:"LastCompleted,omitempty"`
	Last          ReencryptionCounts `xml:"Last"`
	Passes        int64              `xml:"Passes"`
}

// errNoReencrypter answers the re-encryption actions of a server built
// without the job.
var errNoReencrypter = errors.New("operatorapi: this server has no re-encryption job")

func (h *handlers) reencryptionStatus(ctx context.Context, _ *queryapi.Call) (any, error) {
	if h.reencrypt == nil {
		return nil, errNoReencrypter
	}
	return h.reencrypt.Status(ctx)
}

func (h *handlers) runReencryption(ctx context.Context, _ *queryapi.Call) (any, error) {
	if h.reencrypt == nil {
		return nil, errNoReencrypter
	}
	return h.reencrypt.RunPass(ctx)
}

// GetReencryptionStatus returns the re-encryption job's progress.
func (c *Client) GetReencryptionStatus(ctx context.Context) (ReencryptionStatus, error) {
	var out struct {
		Result ReencryptionStatus `xml:"GetReencryptionStatusResult"`
	}
	err := c.call(ctx, "GetReencryptionStatus", url.Values{}, &out)
	return out.Result, err
}

// RunReencryption runs a full re-encryption pass on the server and waits
// for it; ctx bounds the wait (a cancelled call also stops the pass,
// which the background job resumes).
func (c *Client) RunReencryption(ctx context.Context) (ReencryptionStatus, error) {
	var out struct {
		Result ReencryptionStatus `xml:"RunReencryptionResult"`
	}
	err := c.call(ctx, "RunReencryption", url.Values{}, &out)
	return out.Result, err
}
