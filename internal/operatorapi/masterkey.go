package operatorapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/rekey"
)

// MasterKeys is what the master key actions need; *rekey.Manager
// satisfies it.
type MasterKeys interface {
	Rotate(ctx context.Context) (uint32, error)
	Status(ctx context.Context) (rekey.Status, error)
	Retire(ctx context.Context, version uint32) error
}

// RotateMasterKeyResult is RotateMasterKeyResult's content.
type RotateMasterKeyResult struct {
	// Version is the new current master key version.
	Version uint32 `xml:"Version"`
}

// VersionCount is one master key version and what it wraps.
type VersionCount struct {
	Version uint32 `xml:"Version"`
	// Count is the data keys and sealed secrets wrapped under Version.
	Count int64 `xml:"Count"`
	// Held is false for a version that is no longer in the keyring
	// (version 0 counts unreadable records).
	Held bool `xml:"Held"`
}

// GetMasterKeyStatusResult is GetMasterKeyStatusResult's content.
type GetMasterKeyStatusResult struct {
	CurrentVersion uint32         `xml:"CurrentVersion"`
	Versions       []VersionCount `xml:"Versions>member"`
	// JobVersion is the version the re-wrap job's last pass moves keys
	// to; JobDone whether it finished; JobSource what it walks now.
	JobVersion uint32 `xml:"JobVersion"`
	JobDone    bool   `xml:"JobDone"`
	JobSource  string `xml:"JobSource,omitempty"`
	Rewrapped  int64  `xml:"Rewrapped"`
	Failed     int64  `xml:"Failed"`
}

// RetireMasterKeyVersionResult is the (empty) content of
// RetireMasterKeyVersionResult.
type RetireMasterKeyVersionResult struct{}

// masterKeyVersion is RetireMasterKeyVersion's parameter: the version to
// retire ("Version" is the API version every request names).
const masterKeyVersion = "KeyVersion"

func (h *handlers) rotateMasterKey(ctx context.Context, _ *queryapi.Call) (any, error) {
	v, err := h.masterKeys.Rotate(ctx)
	if err != nil {
		return nil, err
	}
	return RotateMasterKeyResult{Version: v}, nil
}

func (h *handlers) getMasterKeyStatus(ctx context.Context, _ *queryapi.Call) (any, error) {
	s, err := h.masterKeys.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := GetMasterKeyStatusResult{CurrentVersion: s.Current, JobVersion: s.JobTarget, JobDone: s.JobDone,
		JobSource: s.JobSource, Rewrapped: s.Rewrapped, Failed: s.Failed}
	versions := slices.Clone(s.Versions)
	for v := range s.Counts {
		if !slices.Contains(versions, v) {
			versions = append(versions, v)
		}
	}
	slices.Sort(versions)
	for _, v := range versions {
		out.Versions = append(out.Versions, VersionCount{Version: v, Count: s.Counts[v], Held: slices.Contains(s.Versions, v)})
	}
	return out, nil
}

func (h *handlers) retireMasterKeyVersion(ctx context.Context, c *queryapi.Call) (any, error) {
	v, ok, err := c.Params.Int(masterKeyVersion, "keyVersion", 1, 1<<32-1)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, queryapi.MissingParameter(masterKeyVersion)
	}
	if err := h.masterKeys.Retire(ctx, uint32(v)); err != nil {
		return nil, err
	}
	return RetireMasterKeyVersionResult{}, nil
}

// masterKeyErrors maps rekey's errors. An InUseError's own text (with the
// count) is the message.
func masterKeyErrors(err error) (*queryapi.Error, bool) {
	answer := func(status int, code string) (*queryapi.Error, bool) {
		msg, _, _ := strings.Cut(err.Error(), "\n")
		return &queryapi.Error{Status: status, Code: code, Message: strings.TrimPrefix(msg, "rekey: ")}, true
	}
	var inUse *rekey.InUseError
	switch {
	case errors.As(err, &inUse):
		return answer(http.StatusConflict, "VersionInUse")
	case errors.Is(err, rekey.ErrNotPersistable):
		return answer(http.StatusConflict, "KeyNotPersistable")
	case errors.Is(err, rekey.ErrNoSuchVersion):
		return answer(http.StatusNotFound, "NoSuchEntity")
	case errors.Is(err, rekey.ErrCurrentVersion):
		return answer(http.StatusConflict, "CurrentVersion")
	case errors.Is(err, rekey.ErrKeyFileBusy):
		return answer(http.StatusConflict, "ConcurrentModification")
	}
	return nil, false
}

// RotateMasterKey adds a new master key version on the server and
// returns it.
func (c *Client) RotateMasterKey(ctx context.Context) (uint32, error) {
	var out struct {
		Result RotateMasterKeyResult `xml:"RotateMasterKeyResult"`
	}
	err := c.call(ctx, "RotateMasterKey", url.Values{}, &out)
	return out.Result.Version, err
}

// GetMasterKeyStatus returns the per-version counts and the re-wrap
// job's progress.
func (c *Client) GetMasterKeyStatus(ctx context.Context) (GetMasterKeyStatusResult, error) {
	var out struct {
		Result GetMasterKeyStatusResult `xml:"GetMasterKeyStatusResult"`
	}
	err := c.call(ctx, "GetMasterKeyStatus", url.Values{}, &out)
	return out.Result, err
}

// RetireMasterKeyVersion removes version from the server's key file.
func (c *Client) RetireMasterKeyVersion(ctx context.Context, version uint32) error {
	var out struct{}
	return c.call(ctx, "RetireMasterKeyVersion", url.Values{masterKeyVersion: {strconv.FormatUint(uint64(version), 10)}}, &out)
}
