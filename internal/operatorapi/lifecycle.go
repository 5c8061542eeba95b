package operatorapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Lifecycle is what the operator API needs of the lifecycle engine;
// cmd/coffer adapts internal/lifecycle to it.
type Lifecycle interface {
	// Explain says which lifecycle rule acts on each version and upload
	// of a key, and when. An unknown bucket is ErrNoSuchBucket.
	Explain(ctx context.Context, bucket, key string) (LifecycleExplanation, error)
}

// ErrNoSuchBucket answers an action naming a bucket that does not exist.
var ErrNoSuchBucket = errors.New("operatorapi: no such bucket")

// LifecycleExplanation is ExplainLifecycle's result. Times are ISO 8601
// in UTC (ScrubTime); an empty Action or RuleId means no rule acts.
type LifecycleExplanation struct {
	Bucket     string `xml:"Bucket"`
	Key        string `xml:"Key"`
	HasRules   bool   `xml:"HasRules"`
	Versioning string `xml:"Versioning,omitempty"`
	MFADelete  bool   `xml:"MFADelete"`
	// DaySeconds is the length of a lifecycle day the dates use.
	DaySeconds float64                `xml:"DaySeconds"`
	Versions   []LifecycleVersionPlan `xml:"Versions>member"`
	Uploads    []LifecycleUploadPlan  `xml:"Uploads>member"`
}

// LifecycleVersionPlan is one version of the explained key.
type LifecycleVersionPlan struct {
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	DeleteMarker bool   `xml:"DeleteMarker"`
	LastModified string `xml:"LastModified"`
	Action       string `xml:"Action,omitempty"`
	RuleID       string `xml:"RuleId,omitempty"`
	Due          string `xml:"Due,omitempty"`
	Blocked      string `xml:"Blocked,omitempty"`
}

// LifecycleUploadPlan is one incomplete upload of the explained key.
type LifecycleUploadPlan struct {
	UploadID  string `xml:"UploadId"`
	Initiated string `xml:"Initiated"`
	RuleID    string `xml:"RuleId,omitempty"`
	Due       string `xml:"Due,omitempty"`
}

var (
	lifecycleBucket = queryapi.String{Name: "Bucket", Field: "bucket", Required: true, Min: 3, Max: 63}
	lifecycleKey    = queryapi.String{Name: "Key", Field: "key", Required: true, Min: 1, Max: 1024}
)

// errNoLifecycle answers ExplainLifecycle on a server built without an
// engine.
var errNoLifecycle = errors.New("operatorapi: this server has no lifecycle engine")

func (h *handlers) explainLifecycle(ctx context.Context, c *queryapi.Call) (any, error) {
	if h.lifecycle == nil {
		return nil, errNoLifecycle
	}
	bucket, _, err := c.Params.String(lifecycleBucket)
	if err != nil {
		return nil, err
	}
	key, _, err := c.Params.String(lifecycleKey)
	if err != nil {
		return nil, err
	}
	return h.lifecycle.Explain(ctx, bucket, key)
}

// lifecycleErrors maps the lifecycle action's errors.
func lifecycleErrors(err error) (*queryapi.Error, bool) {
	if errors.Is(err, ErrNoSuchBucket) {
		return &queryapi.Error{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}, true
	}
	return nil, false
}

// ExplainLifecycle asks the server which lifecycle rule acts on each
// version and upload of bucket/key, and when.
func (c *Client) ExplainLifecycle(ctx context.Context, bucket, key string) (LifecycleExplanation, error) {
	var out struct {
		Result LifecycleExplanation `xml:"ExplainLifecycleResult"`
	}
	err := c.call(ctx, "ExplainLifecycle", url.Values{"Bucket": {bucket}, "Key": {key}}, &out)
	return out.Result, err
}
