package integration_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func tagsOf(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func (e *env) putBucketTags(t *testing.T, tags []types.Tag) error {
	t.Helper()
	_, err := e.s3.PutBucketTagging(ctx(t), &s3.PutBucketTaggingInput{Bucket: aws.String(e.bucket),
		Tagging: &types.Tagging{TagSet: tags}})
	return err
}

func (e *env) bucketTags(t *testing.T) ([]types.Tag, error) {
	t.Helper()
	out, err := e.s3.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		return nil, err
	}
	return out.TagSet, nil
}

var tagCmp = cmpopts.IgnoreUnexported(types.Tag{})

func TestBucketTagging_putGetDelete(t *testing.T) {
	e := newEnv(t)
	_, err := e.bucketTags(t)
	wantCode(t, "GetBucketTagging(untagged)", err, "NoSuchTagSet", 404)

	want := tagsOf("team", "storage ops", "cost-center", "", "ключ", "値")
	if err := e.putBucketTags(t, want); err != nil {
		t.Fatalf("PutBucketTagging: %v", err)
	}
	got, err := e.bucketTags(t)
	if err != nil {
		t.Fatalf("GetBucketTagging: %v", err)
	}
	if diff := cmp.Diff(want, got, tagCmp); diff != "" {
		t.Errorf("GetBucketTagging (-want +got):\n%s", diff)
	}
	if _, err := e.s3.DeleteBucketTagging(ctx(t), &s3.DeleteBucketTaggingInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("DeleteBucketTagging: %v", err)
	}
	_, err = e.bucketTags(t)
	wantCode(t, "GetBucketTagging(after delete)", err, "NoSuchTagSet", 404)
}

func TestPutBucketTagging_emptySetRemovesTags(t *testing.T) {
	e := newEnv(t)
	if err := e.putBucketTags(t, tagsOf("a", "1")); err != nil {
		t.Fatal(err)
	}
	if err := e.putBucketTags(t, []types.Tag{}); err != nil {
		t.Fatalf("PutBucketTagging(empty): %v", err)
	}
	_, err := e.bucketTags(t)
	wantCode(t, "GetBucketTagging(after empty put)", err, "NoSuchTagSet", 404)
}

func TestPutBucketTagging_invalid(t *testing.T) {
	e := newEnv(t)
	before := tagsOf("keep", "me")
	if err := e.putBucketTags(t, before); err != nil {
		t.Fatal(err)
	}
	fifty := make([]types.Tag, 51)
	for i := range fifty {
		fifty[i] = types.Tag{Key: aws.String("k" + string(rune('A'+i%26)) + string(rune('a'+i/26))), Value: aws.String("v")}
	}
	tests := []struct {
		name   string
		tags   []types.Tag
		code   string
		status int
	}{
		{"51 tags", fifty, "BadRequest", 400},
		{"aws prefix", tagsOf("aws:createdBy", "me"), "InvalidTag", 400},
		{"duplicate key", tagsOf("a", "1", "a", "2"), "InvalidTag", 400},
		{"key of 129", tagsOf(strings.Repeat("k", 129), "v"), "InvalidTag", 400},
		{"value of 257", tagsOf("k", strings.Repeat("v", 257)), "InvalidTag", 400},
		{"empty key", tagsOf("", "v"), "InvalidTag", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, "PutBucketTagging("+tt.name+")", e.putBucketTags(t, tt.tags), tt.code, tt.status)
		})
	}
	if err := e.putBucketTags(t, fifty[:50]); err != nil {
		t.Errorf("PutBucketTagging(50 tags): %v", err)
	}
	if err := e.putBucketTags(t, before); err != nil {
		t.Fatal(err)
	}
	got, err := e.bucketTags(t)
	if err != nil || !cmp.Equal(before, got, tagCmp) {
		t.Errorf("tags after rejected puts = %v, %v; want the ones put before", got, err)
	}
}

func TestBucketTagging_noSuchBucket(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String("no-such-bucket-here")})
	wantCode(t, "GetBucketTagging", err, "NoSuchBucket", 404)
}

// corsRules is a configuration with a site rule and a public read rule.
func corsRules() []types.CORSRule {
	return []types.CORSRule{
		{ID: aws.String("site"), AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT", "GET", "DELETE"},
			AllowedHeaders: []string{"content-type", "x-amz-*"}, ExposeHeaders: []string{"ETag", "x-amz-version-id"},
			MaxAgeSeconds: aws.Int32(3000)},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}},
	}
}

func (e *env) putCORS(t *testing.T, rules []types.CORSRule) error {
	t.Helper()
	_, err := e.s3.PutBucketCors(ctx(t), &s3.PutBucketCorsInput{Bucket: aws.String(e.bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}})
	return err
}

func TestBucketCors_putGetDelete(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketCors(none)", err, "NoSuchCORSConfiguration", 404)

	if err := e.putCORS(t, corsRules()); err != nil {
		t.Fatalf("PutBucketCors: %v", err)
	}
	out, err := e.s3.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("GetBucketCors: %v", err)
	}
	if diff := cmp.Diff(corsRules(), out.CORSRules, cmpopts.IgnoreUnexported(types.CORSRule{})); diff != "" {
		t.Errorf("GetBucketCors (-want +got):\n%s", diff)
	}
	if _, err := e.s3.DeleteBucketCors(ctx(t), &s3.DeleteBucketCorsInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("DeleteBucketCors: %v", err)
	}
	_, err = e.s3.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketCors(after delete)", err, "NoSuchCORSConfiguration", 404)
}

func TestPutBucketCors_invalid(t *testing.T) {
	e := newEnv(t)
	rule := func(f func(*types.CORSRule)) []types.CORSRule {
		r := types.CORSRule{AllowedOrigins: []string{"https://example.com"}, AllowedMethods: []string{"GET"}}
		f(&r)
		return []types.CORSRule{r}
	}
	hundredOne := make([]types.CORSRule, 101)
	for i := range hundredOne {
		hundredOne[i] = rule(func(*types.CORSRule) {})[0]
	}
	tests := []struct {
		name  string
		rules []types.CORSRule
		code  string
	}{
		{"PATCH", rule(func(r *types.CORSRule) { r.AllowedMethods = []string{"GET", "PATCH"} }), "InvalidRequest"},
		{"two origin wildcards", rule(func(r *types.CORSRule) { r.AllowedOrigins = []string{"https://*.example.*"} }), "InvalidRequest"},
		{"two header wildcards", rule(func(r *types.CORSRule) { r.AllowedHeaders = []string{"x-*-meta-*"} }), "InvalidRequest"},
		{"expose wildcard", rule(func(r *types.CORSRule) { r.ExposeHeaders = []string{"x-amz-*"} }), "InvalidRequest"},
		{"no rule", []types.CORSRule{}, "MalformedXML"},
		{"101 rules", hundredOne, "MalformedXML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, "PutBucketCors("+tt.name+")", e.putCORS(t, tt.rules), tt.code, 400)
		})
	}
	_, err := e.s3.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketCors(after rejected puts)", err, "NoSuchCORSConfiguration", 404)
}

func TestDeleteBucket_dropsTaggingAndCors(t *testing.T) {
	e := newEnv(t)
	if err := e.putBucketTags(t, tagsOf("a", "1")); err != nil {
		t.Fatal(err)
	}
	if err := e.putCORS(t, corsRules()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	if _, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("CreateBucket(again): %v", err)
	}
	_, err := e.bucketTags(t)
	wantCode(t, "GetBucketTagging(recreated)", err, "NoSuchTagSet", 404)
	_, err = e.s3.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketCors(recreated)", err, "NoSuchCORSConfiguration", 404)
}

// corsResponse is what a browser sees of a response.
type corsResponse struct {
	status int
	header http.Header
	body   string
}

// browserRequest sends an unsigned request, as a browser's preflight is.
func (e *env) browserRequest(t *testing.T, method, url string, header map[string]string) corsResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return corsResponse{resp.StatusCode, resp.Header, string(b)}
}

const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

func TestPreflight_allowed(t *testing.T) {
	e := newEnv(t)
	if err := e.putCORS(t, corsRules()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		header map[string]string
		want   map[string]string
	}{
		{"object PUT with headers", "/" + e.bucket + "/photo.jpg", map[string]string{
			"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
			"Access-Control-Request-Headers": "Content-Type, X-Amz-Date, x-amz-content-sha256"},
			map[string]string{
				"Access-Control-Allow-Origin":      "https://app.example.com",
				"Access-Control-Allow-Methods":     "PUT, GET, DELETE",
				"Access-Control-Allow-Headers":     "content-type, x-amz-date, x-amz-content-sha256",
				"Access-Control-Expose-Headers":    "ETag, x-amz-version-id",
				"Access-Control-Max-Age":           "3000",
				"Access-Control-Allow-Credentials": "true",
				"Vary":                             corsVary,
			}},
		{"bucket GET from anywhere", "/" + e.bucket + "/", map[string]string{
			"Origin": "https://elsewhere.org", "Access-Control-Request-Method": "GET"},
			map[string]string{
				"Access-Control-Allow-Origin":      "*",
				"Access-Control-Allow-Methods":     "GET, HEAD",
				"Access-Control-Allow-Credentials": "",
				"Access-Control-Max-Age":           "",
				"Vary":                             corsVary,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.browserRequest(t, http.MethodOptions, e.srv.URL(tt.path), tt.header)
			if r.status != 200 {
				t.Fatalf("OPTIONS %s = %d %s, want 200", tt.path, r.status, r.body)
			}
			for k, v := range tt.want {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestPreflight_refused(t *testing.T) {
	e := newEnv(t)
	bare := e.newBucket(t) // no CORS configuration
	if err := e.putCORS(t, corsRules()); err != nil {
		t.Fatal(err)
	}
	notAllowed := "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource&#39;s CORS spec."
	pf := func(origin, method string) map[string]string {
		h := map[string]string{"Access-Control-Request-Method": method}
		if origin != "" {
			h["Origin"] = origin
		}
		if method == "" {
			delete(h, "Access-Control-Request-Method")
		}
		return h
	}
	tests := []struct {
		name, path string
		header     map[string]string
		status     int
		code, msg  string
	}{
		{"origin no rule allows", "/" + e.bucket + "/k", pf("https://evil.org", "PUT"), 403, "AccessForbidden", notAllowed},
		{"header no rule allows", "/" + e.bucket + "/k", map[string]string{"Origin": "https://app.example.com",
			"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"}, 403, "AccessForbidden", notAllowed},
		{"origin in another case", "/" + e.bucket + "/k", pf("https://APP.EXAMPLE.COM", "PUT"), 403, "AccessForbidden", notAllowed},
		{"no configuration", "/" + bare + "/k", pf("https://app.example.com", "GET"), 403, "AccessForbidden",
			"CORSResponse: CORS is not enabled for this bucket."},
		{"no bucket", "/no-such-bucket-here/k", pf("https://app.example.com", "GET"), 403, "AccessForbidden",
			"CORSResponse: Bucket not found"},
		{"no origin", "/" + e.bucket + "/k", pf("", "GET"), 400, "BadRequest",
			"Insufficient information. Origin request header needed."},
		{"no method", "/" + e.bucket + "/k", pf("https://app.example.com", ""), 400, "BadRequest",
			"Invalid Access-Control-Request-Method: null"},
		{"PATCH", "/" + e.bucket + "/k", pf("https://app.example.com", "PATCH"), 400, "BadRequest",
			"Invalid Access-Control-Request-Method: PATCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.browserRequest(t, http.MethodOptions, e.srv.URL(tt.path), tt.header)
			if r.status != tt.status || !strings.Contains(r.body, "<Code>"+tt.code+"</Code>") ||
				!strings.Contains(r.body, "<Message>"+tt.msg+"</Message>") {
				t.Fatalf("OPTIONS %s = %d %s, want %d %s %q", tt.path, r.status, r.body, tt.status, tt.code, tt.msg)
			}
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("refused preflight has Access-Control-Allow-Origin %q", got)
			}
		})
	}
}

func TestCORS_actualRequestHeaders(t *testing.T) {
	e := newEnv(t)
	if err := e.putCORS(t, corsRules()); err != nil {
		t.Fatal(err)
	}
	e.put(t, "k", []byte("hello"))
	p := s3.NewPresignClient(e.s3)
	get, err := p.PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")},
		s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	site := map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Methods":     "PUT, GET, DELETE",
		"Access-Control-Expose-Headers":    "ETag, x-amz-version-id",
		"Access-Control-Allow-Credentials": "true",
		"Vary":                             corsVary,
	}
	tests := []struct {
		name, method, url, origin string
		status                    int
		want                      map[string]string
	}{
		{"presigned GET", http.MethodGet, get.URL, "https://app.example.com", 200, site},
		{"anonymous GET refused", http.MethodGet, e.srv.URL("/" + e.bucket + "/k"), "https://app.example.com", 403, site},
		{"missing key", http.MethodGet, e.srv.URL("/" + e.bucket + "/missing"), "https://other.org", 403,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD"}},
		{"origin no rule allows for POST", http.MethodPost, e.srv.URL("/" + e.bucket + "/k?uploads"), "https://other.org", 403,
			map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""}},
		{"no origin", http.MethodGet, get.URL, "", 200, map[string]string{"Access-Control-Allow-Origin": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.origin != "" {
				h["Origin"] = tt.origin
			}
			r := e.browserRequest(t, tt.method, tt.url, h)
			if r.status != tt.status {
				t.Fatalf("%s = %d %s, want %d", tt.name, r.status, r.body, tt.status)
			}
			for k, v := range tt.want {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
