package s3api

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

func TestBucketTaggingHandlers(t *testing.T) {
	doc := `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag></TagSet></Tagging>`
	dup := `<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>`
	runHandlerCases(t, []handlerCase{
		{name: "get", method: "GET", target: "/b?tagging",
			setup:  func(env *testEnv) { env.obj.tags = []object.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "<&>"}} },
			status: 200, call: bucketConfigCall{Op: "GetBucketTagging", Bucket: "b"}, golden: "tagging-bucket.xml"},
		{name: "get untagged", method: "GET", target: "/b?tagging",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchTagSet }, status: 404, code: "NoSuchTagSet"},
		{name: "put", method: "PUT", target: "/b?tagging", body: doc,
			header: map[string]string{"Content-Md5": md5b64(doc)}, status: 204,
			call: bucketConfigCall{Op: "PutBucketTagging", Bucket: "b", Tags: []object.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: ""}}}},
		{name: "put with crc32", method: "PUT", target: "/b?tagging", body: doc,
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64(doc)}, status: 204},
		{name: "put without checksum", method: "PUT", target: "/b?tagging", body: doc, status: 400, code: "InvalidRequest"},
		{name: "put malformed", method: "PUT", target: "/b?tagging", body: "<Tagging>",
			header: map[string]string{"Content-Md5": md5b64("<Tagging>")}, status: 400, code: "MalformedXML"},
		{name: "put duplicate key", method: "PUT", target: "/b?tagging", body: dup,
			header: map[string]string{"Content-Md5": md5b64(dup)}, status: 400, code: "InvalidTag"},
		{name: "put too many", method: "PUT", target: "/b?tagging", body: doc,
			header: map[string]string{"Content-Md5": md5b64(doc)},
			setup:  func(env *testEnv) { env.obj.err = object.ErrTooManyBucketTags }, status: 400, code: "BadRequest"},
		{name: "delete", method: "DELETE", target: "/b?tagging", status: 204,
			call: bucketConfigCall{Op: "DeleteBucketTagging", Bucket: "b"}},
		{name: "delete no bucket", method: "DELETE", target: "/b?tagging",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchBucket }, status: 404, code: "NoSuchBucket"},
	})
}

const corsDoc = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
	`<CORSRule><ID>site</ID><AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>` +
	`<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>` +
	`<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>` +
	`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`

func corsFixture() *cors.Config {
	age := int32(3000)
	return &cors.Config{Rules: []cors.Rule{
		{ID: "site", AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT", "GET"},
			AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: &age},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}}
}

func TestBucketCorsHandlers(t *testing.T) {
	md5 := func(s string) map[string]string { return map[string]string{"Content-Md5": md5b64(s)} }
	rule := func(s string) string { return "<CORSConfiguration><CORSRule>" + s + "</CORSRule></CORSConfiguration>" }
	patch := rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>")
	noMethod := rule("<AllowedOrigin>*</AllowedOrigin>")
	runHandlerCases(t, []handlerCase{
		{name: "put", method: "PUT", target: "/b?cors", body: corsDoc, header: md5(corsDoc), status: 200,
			call: bucketConfigCall{Op: "PutBucketCORS", Bucket: "b", CORS: corsFixture()}},
		{name: "put without checksum", method: "PUT", target: "/b?cors", body: corsDoc, status: 400, code: "InvalidRequest"},
		{name: "put unsupported method", method: "PUT", target: "/b?cors", body: patch, header: md5(patch),
			status: 400, code: "InvalidRequest"},
		{name: "put rule without method", method: "PUT", target: "/b?cors", body: noMethod, header: md5(noMethod),
			status: 400, code: "MalformedXML"},
		{name: "get", method: "GET", target: "/b?cors", setup: func(env *testEnv) { env.obj.corsCfg = corsFixture() },
			status: 200, call: bucketConfigCall{Op: "GetBucketCORS", Bucket: "b"}, golden: "cors.xml"},
		{name: "get none", method: "GET", target: "/b?cors", status: 404, code: "NoSuchCORSConfiguration"},
		{name: "delete", method: "DELETE", target: "/b?cors", status: 204,
			call: bucketConfigCall{Op: "DeleteBucketCORS", Bucket: "b"}},
	})
}

func TestPutBucketCors_message(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{})
	body := "<CORSConfiguration><CORSRule><AllowedOrigin>https://*.example.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>"
	r := newReq("PUT", "/b?cors", []byte(body))
	r.Header.Set("Content-Md5", md5b64(body))
	rec := env.do(r)
	want := `<Message>AllowedOrigin &#34;https://*.example.*&#34; can not have more than one wildcard.</Message>`
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("PutBucketCors(two wildcards) = %d %s, want 400 with %s", rec.Code, rec.Body, want)
	}
}

func TestPreflight(t *testing.T) {
	const vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
	withCORS := func(env *testEnv) { env.obj.corsCfg = corsFixture() }
	pf := func(origin, method, headers string) map[string]string {
		h := map[string]string{}
		if origin != "" {
			h["Origin"] = origin
		}
		if method != "" {
			h["Access-Control-Request-Method"] = method
		}
		if headers != "" {
			h["Access-Control-Request-Headers"] = headers
		}
		return h
	}
	// The verifier refuses everything: a preflight must not need it.
	unauth := func(f func(*testEnv)) func(*testEnv) {
		return func(env *testEnv) {
			env.ver.err = sigv4.ErrSignatureMismatch
			if f != nil {
				f(env)
			}
		}
	}
	runHandlerCases(t, []handlerCase{
		{name: "allowed by pattern", method: "OPTIONS", target: "/b/k", setup: unauth(withCORS),
			header: pf("https://app.example.com", "PUT", "Content-Type, X-Amz-Date"), status: 200,
			hdr: map[string]string{
				"Access-Control-Allow-Origin":      "https://app.example.com",
				"Access-Control-Allow-Methods":     "PUT, GET",
				"Access-Control-Allow-Headers":     "content-type, x-amz-date",
				"Access-Control-Expose-Headers":    "ETag",
				"Access-Control-Max-Age":           "3000",
				"Access-Control-Allow-Credentials": "true",
				"Vary":                             vary,
				"Content-Length":                   "0",
			}},
		{name: "allowed by star", method: "OPTIONS", target: "/b", setup: unauth(withCORS),
			header: pf("https://other.org", "GET", ""), status: 200,
			hdr: map[string]string{
				"Access-Control-Allow-Origin":      "*",
				"Access-Control-Allow-Methods":     "GET",
				"Access-Control-Allow-Credentials": "",
				"Access-Control-Max-Age":           "",
				"Vary":                             vary,
			}},
		{name: "no rule", method: "OPTIONS", target: "/b/k", setup: unauth(withCORS),
			header: pf("https://other.org", "PUT", ""), status: 403, code: "AccessForbidden",
			hdr: map[string]string{"Access-Control-Allow-Origin": ""}},
		{name: "not enabled", method: "OPTIONS", target: "/b/k", setup: unauth(nil),
			header: pf("https://other.org", "GET", ""), status: 403, code: "AccessForbidden"},
		{name: "no bucket", method: "OPTIONS", target: "/nosuchbucket/k", setup: unauth(nil),
			header: pf("https://other.org", "GET", ""), status: 403, code: "AccessForbidden"},
		{name: "service", method: "OPTIONS", target: "/", setup: unauth(nil),
			header: pf("https://other.org", "GET", ""), status: 403, code: "AccessForbidden"},
		{name: "no origin", method: "OPTIONS", target: "/b/k", setup: unauth(withCORS),
			header: pf("", "GET", ""), status: 400, code: "BadRequest"},
		{name: "no method", method: "OPTIONS", target: "/b/k", setup: unauth(withCORS),
			header: pf("https://app.example.com", "", ""), status: 400, code: "BadRequest"},
		{name: "bad method", method: "OPTIONS", target: "/b/k", setup: unauth(withCORS),
			header: pf("https://app.example.com", "PATCH", ""), status: 400, code: "BadRequest"},
		{name: "lookup fails", method: "OPTIONS", target: "/b/k", setup: unauth(func(env *testEnv) { env.obj.err = errors.New("disk") }),
			header: pf("https://app.example.com", "GET", ""), status: 500, code: "InternalError"},
	})
}

func TestPreflight_errorBody(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{corsCfg: corsFixture()})
	r := newReq("OPTIONS", "/b/k", nil)
	r.Header.Set("Origin", "https://other.org")
	r.Header.Set("Access-Control-Request-Method", "DELETE")
	rec := env.do(r)
	for _, want := range []string{
		"<Code>AccessForbidden</Code>",
		"<Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource&#39;s CORS spec.</Message>",
		"<Method>DELETE</Method><ResourceType>OBJECT</ResourceType>",
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("body %s lacks %s", rec.Body, want)
		}
	}
	if diff := cmp.Diff([]string{"OptionsPreflight 403"}, env.obs); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
}

// TestActualRequestCORS checks the headers a request carrying Origin
// gets when a rule allows it, on success and on error alike.
func TestActualRequestCORS(t *testing.T) {
	withCORS := func(env *testEnv) { env.obj.corsCfg = corsFixture() }
	allowed := map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Methods":     "PUT, GET",
		"Access-Control-Allow-Headers":     "",
		"Access-Control-Allow-Credentials": "true",
		"Vary":                             "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
	}
	runHandlerCases(t, []handlerCase{
		{name: "get allowed", method: "GET", target: "/b?tagging", setup: withCORS,
			header: map[string]string{"Origin": "https://app.example.com"}, status: 200, hdr: allowed},
		{name: "error allowed", method: "GET", target: "/b?tagging",
			setup: func(env *testEnv) {
				withCORS(env)
				env.ver.err = sigv4.ErrSignatureMismatch
			},
			header: map[string]string{"Origin": "https://app.example.com"}, status: 403, code: "SignatureDoesNotMatch", hdr: allowed},
		{name: "method not allowed", method: "DELETE", target: "/b?tagging", setup: withCORS,
			header: map[string]string{"Origin": "https://app.example.com"}, status: 204,
			hdr: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""}},
		{name: "no origin", method: "GET", target: "/b?tagging", setup: withCORS, status: 200,
			hdr: map[string]string{"Access-Control-Allow-Origin": ""}},
		{name: "no cors", method: "GET", target: "/b?tagging",
			header: map[string]string{"Origin": "https://app.example.com"}, status: 200,
			hdr: map[string]string{"Access-Control-Allow-Origin": ""}},
	})
}
