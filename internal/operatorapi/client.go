package operatorapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// maxResponse bounds how much of an answer the Client reads.
const maxResponse = 16 << 20

// Client calls a coffer's operator API. Each call is a form POST signed
// with SigV4 for the service "coffer" by aws-sdk-go-v2's signer. Its
// zero value is not usable: Endpoint and the key pair are required.
type Client struct {
	// Endpoint is the coffer's base URL, for example
	// http://127.0.0.1:9000.
	Endpoint string
	// Region is the signing region; empty means us-east-1, which coffer
	// accepts whatever its own region.
	Region string
	// AccessKey and SecretKey are the first account's root key pair.
	AccessKey, SecretKey string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// APIError is an error answer: the operator API's error envelope, or, from
// an endpoint that is not a coffer with this API, whatever code it sent.
type APIError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

// Error implements error.
func (e *APIError) Error() string {
	msg := e.Code
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", e.Status)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.RequestID != "" {
		msg += " (request id " + e.RequestID + ")"
	}
	return msg
}

// CreateAccount creates an account named name and returns it with its
// root key pair, which no later call can show again.
func (c *Client) CreateAccount(ctx context.Context, name string) (CreateAccountResult, error) {
	var out struct {
		Result CreateAccountResult `xml:"CreateAccountResult"`
	}
	err := c.call(ctx, "CreateAccount", url.Values{"AccountName": {name}}, &out)
	return out.Result, err
}

// CreateAccountWithEmail is CreateAccount giving the account an email
// address ("" for none).
func (c *Client) CreateAccountWithEmail(ctx context.Context, name, email string) (CreateAccountResult, error) {
	if email == "" {
		return c.CreateAccount(ctx, name)
	}
	var out struct {
		Result CreateAccountResult `xml:"CreateAccountResult"`
	}
	err := c.call(ctx, "CreateAccount", url.Values{"AccountName": {name}, "Email": {email}}, &out)
	return out.Result, err
}

// ListAccounts returns every account in id order.
func (c *Client) ListAccounts(ctx context.Context) ([]Account, error) {
	var out struct {
		Result ListAccountsResult `xml:"ListAccountsResult"`
	}
	err := c.call(ctx, "ListAccounts", url.Values{}, &out)
	return out.Result.Accounts, err
}

// call signs and sends one action and decodes its result into out.
func (c *Client) call(ctx context.Context, action string, params url.Values, out any) error {
	if c.AccessKey == "" || c.SecretKey == "" {
		return errors.New("operatorapi: no access key")
	}
	params.Set("Action", action)
	params.Set("Version", Version)
	body := params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint, strings.NewReader(body))
	if err != nil {
		return err
	}
	if req.URL.Path == "" {
		req.URL.Path = "/"
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: c.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), Service, region, time.Now()); err != nil {
		return err
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("read %s answer: %w", action, err)
	}
	if resp.StatusCode != http.StatusOK {
		return decodeError(resp, b)
	}
	if err := xml.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode %s answer: %w", action, err)
	}
	return nil
}

// decodeError reads an error answer: the query protocol's
// <ErrorResponse><Error><Code>, or S3's <Error><Code> from a server
// that routed the request to S3.
func decodeError(resp *http.Response, b []byte) error {
	var doc struct {
		Code, Message, RequestId string
		Error                    struct{ Code, Message string }
	}
	e := &APIError{Status: resp.StatusCode, RequestID: resp.Header.Get("x-amzn-RequestId")}
	if xml.NewDecoder(bytes.NewReader(b)).Decode(&doc) == nil {
		e.Code, e.Message = doc.Error.Code, doc.Error.Message
		if e.Code == "" {
			e.Code, e.Message = doc.Code, doc.Message
		}
		if doc.RequestId != "" {
			e.RequestID = doc.RequestId
		}
	}
	return e
}
