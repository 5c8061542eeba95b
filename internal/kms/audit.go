package kms

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/reqid"
)

// The audit log: one JSON line per call, with CloudTrail's field names
// ("CloudTrail record contents"), so that tools that read CloudTrail's
// KMS events read these. It records who, what, when, which key and the
// outcome; never plaintext, never key material, never data keys:
// request parameters and response elements are chosen by each operation
// from values that are safe to keep (key ids, contexts, specs, sizes).

// call is one audited call in progress.
type call struct {
	name     string
	caller   Caller
	readOnly bool
	start    time.Time
	params   map[string]any
	response map[string]any
	// keys are the ARNs of the keys the call used.
	keys []string
}

// begin starts the audit record of a call.
func (s *Service) begin(name string, caller Caller, readOnly bool) *call {
	return &call{name: name, caller: caller, readOnly: readOnly, start: s.clock.Now(), params: map[string]any{}}
}

// used notes a key the call acted on.
func (c *call) used(k *keyRecord) {
	if k != nil {
		c.keys = append(c.keys, k.arn())
	}
}

type auditIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	UserName    string `json:"userName,omitempty"`
	InvokedBy   string `json:"invokedBy,omitempty"`
}

type auditResource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

type auditEvent struct {
	EventVersion       string          `json:"eventVersion"`
	UserIdentity       auditIdentity   `json:"userIdentity"`
	EventTime          string          `json:"eventTime"`
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	AWSRegion          string          `json:"awsRegion"`
	SourceIPAddress    string          `json:"sourceIPAddress"`
	UserAgent          string          `json:"userAgent"`
	ErrorCode          string          `json:"errorCode,omitempty"`
	ErrorMessage       string          `json:"errorMessage,omitempty"`
	RequestParameters  map[string]any  `json:"requestParameters"`
	ResponseElements   map[string]any  `json:"responseElements"`
	RequestID          string          `json:"requestID"`
	EventID            string          `json:"eventID"`
	ReadOnly           bool            `json:"readOnly"`
	Resources          []auditResource `json:"resources,omitempty"`
	EventType          string          `json:"eventType"`
	ManagementEvent    bool            `json:"managementEvent"`
	RecipientAccountID string          `json:"recipientAccountId"`
	EventCategory      string          `json:"eventCategory"`
}

// end writes c's record with its outcome.
func (s *Service) end(ctx context.Context, c *call, err error) {
	if s.opts.Audit == nil {
		return
	}
	ev := auditEvent{
		EventVersion:       "1.08",
		UserIdentity:       identityOf(c.caller),
		EventTime:          c.start.UTC().Format(time.RFC3339),
		EventSource:        "kms.amazonaws.com",
		EventName:          c.name,
		AWSRegion:          s.opts.Region,
		SourceIPAddress:    first(c.caller.Conditions, "aws:SourceIp"),
		UserAgent:          first(c.caller.Conditions, "aws:UserAgent"),
		RequestParameters:  c.params,
		RequestID:          reqid.From(ctx),
		EventID:            eventID(),
		ReadOnly:           c.readOnly,
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: c.caller.Principal.AccountID,
		EventCategory:      "Management",
	}
	if c.caller.ViaService != "" {
		ev.SourceIPAddress = serviceHost(c.caller.ViaService)
		ev.UserAgent = ev.SourceIPAddress
	}
	if err != nil {
		ev.ErrorCode, ev.ErrorMessage = s.errorCode(err)
	} else {
		ev.ResponseElements = c.response
	}
	for _, arn := range c.keys {
		acct := ""
		if p := strings.SplitN(arn, ":", 6); len(p) == 6 {
			acct = p[4]
		}
		ev.Resources = append(ev.Resources, auditResource{AccountID: acct, Type: "AWS::KMS::Key", ARN: arn})
	}
	line, mErr := json.Marshal(ev)
	if mErr != nil {
		s.log.ErrorContext(ctx, "kms audit record", "err", mErr)
		return
	}
	line = append(line, '\n')
	s.auditMu.Lock()
	_, wErr := s.opts.Audit.Write(line)
	s.auditMu.Unlock()
	if wErr != nil {
		s.log.ErrorContext(ctx, "kms audit log write failed", "err", wErr)
	}
}

func (s *Service) errorCode(err error) (string, string) {
	if s.opts.ErrorCode != nil {
		return s.opts.ErrorCode(err)
	}
	if msg := Message(err); msg != "" {
		return "", msg
	}
	return "", "internal failure"
}

// identityOf is CloudTrail's userIdentity for caller.
func identityOf(c Caller) auditIdentity {
	p := c.Principal
	id := auditIdentity{PrincipalID: p.UserID, ARN: p.ARN, AccountID: p.AccountID, AccessKeyID: p.AccessKey}
	switch {
	case p.Anonymous:
		id.Type = "AWSAccount"
	case p.Root:
		id.Type = "Root"
	case p.RoleARN != "":
		id.Type = "AssumedRole"
	default:
		id.Type, id.UserName = "IAMUser", p.Name
	}
	if c.ViaService != "" {
		id.InvokedBy = serviceHost(c.ViaService)
	}
	return id
}

// serviceHost turns kms:ViaService's "s3.REGION.amazonaws.com" into the
// "s3.amazonaws.com" CloudTrail names an invoking service by.
func serviceHost(via string) string {
	name, _, _ := strings.Cut(via, ".")
	return name + ".amazonaws.com"
}

func first(m map[string][]string, key string) string {
	for k, v := range m {
		if strings.EqualFold(k, key) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// eventID is a random UUID for the record.
func eventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}
