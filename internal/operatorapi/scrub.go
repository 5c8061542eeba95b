package operatorapi

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Scrubber is what the operator API needs of the scrubber; cmd/coffer
// adapts internal/scrub to it (the query wires stay apart from the
// object service).
type Scrubber interface {
	// ListDamaged lists the stored versions marked damaged.
	ListDamaged(ctx context.Context) ([]DamagedObject, error)
	// RunPass runs a full pass now and returns when it is complete.
	RunPass(ctx context.Context) (ScrubPass, error)
}

// DamagedObject is one member of ListDamagedObjects' result.
type DamagedObject struct {
	Bucket    string `xml:"Bucket"`
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId"`
	// Blob is the damaged blob's id ("" for inline data or the version
	// as a whole); Problem says what failed.
	Blob    string `xml:"Blob,omitempty"`
	Problem string `xml:"Problem"`
	// Found is ISO 8601 in UTC.
	Found string `xml:"Found"`
}

// ListDamagedObjectsResult is ListDamagedObjects' content.
type ListDamagedObjectsResult struct {
	Objects []DamagedObject `xml:"Objects>member"`
}

// ScrubPass is RunScrub's result: the pass it ran.
type ScrubPass struct {
	// Started and Completed are ISO 8601 in UTC.
	Started   string `xml:"Started"`
	Completed string `xml:"Completed"`
	// Scanned counts the versions checked, Damaged those found damaged.
	Scanned int64 `xml:"Scanned"`
	Damaged int64 `xml:"Damaged"`
}

// ScrubTime formats a time as the scrub results carry it.
func ScrubTime(t time.Time) string { return t.UTC().Format(queryapi.TimeFormat) }

// errNoScrubber answers the scrub actions of a server built without one.
var errNoScrubber = errors.New("operatorapi: this server has no scrubber")

func (h *handlers) listDamaged(ctx context.Context, _ *queryapi.Call) (any, error) {
	if h.scrub == nil {
		return nil, errNoScrubber
	}
	ds, err := h.scrub.ListDamaged(ctx)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		ds = []DamagedObject{}
	}
	return ListDamagedObjectsResult{Objects: ds}, nil
}

func (h *handlers) runScrub(ctx context.Context, _ *queryapi.Call) (any, error) {
	if h.scrub == nil {
		return nil, errNoScrubber
	}
	return h.scrub.RunPass(ctx)
}

// ListDamagedObjects returns the stored object versions the scrubber
// found damaged.
func (c *Client) ListDamagedObjects(ctx context.Context) ([]DamagedObject, error) {
	var out struct {
		Result ListDamagedObjectsResult `xml:"ListDamagedObjectsResult"`
	}
	err := c.call(ctx, "ListDamagedObjects", url.Values{}, &out)
	return out.Result.Objects, err
}

// RunScrub runs a full scrub pass on the server and waits for it; ctx
// bounds the wait (a cancelled call also stops the pass).
func (c *Client) RunScrub(ctx context.Context) (ScrubPass, error) {
	var out struct {
		Result ScrubPass `xml:"RunScrubResult"`
	}
	err := c.call(ctx, "RunScrub", url.Values{}, &out)
	return out.Result, err
}
