// Command benchuser creates the IAM user that scripts/bench.sh measures
// beside the root user: it opens a stopped coffer's data directory, creates
// the user in the first account with an inline policy read from a file and
// an access key, and prints "ACCESS_KEY SECRET_KEY" on one line.
//
// It works on the identity store directly because the data directory is
// local and the server is stopped; against a running server (or another S3
// server) the same user is made with `aws iam create-user`,
// `put-user-policy` and `create-access-key`, and its keys are given to
// bench.sh as BENCH_USER_ACCESS_KEY and BENCH_USER_SECRET_KEY.
//
//	go run ./scripts/benchuser --data DIR --policy scripts/bench-iam-policy.json
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

// The data directory's layout, as cmd/coffer makes it.
const (
	metaDir       = "meta"
	masterKeyFile = "master.key"
)

func main() {
	data := flag.String("data", "", "data `directory` of a coffer that has started once and is stopped (required)")
	user := flag.String("user", "bench", "user `name`")
	policyFile := flag.String("policy", "", "`file` holding the user's inline policy document (required)")
	flag.Parse()
	if *data == "" || *policyFile == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	ak, secret, err := create(context.Background(), *data, *user, *policyFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchuser: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(ak, secret)
}

// create makes the user with its policy and key and returns the key pair.
func create(ctx context.Context, data, user, policyFile string) (accessKey, secret string, err error) {
	doc, err := os.ReadFile(policyFile)
	if err != nil {
		return "", "", err
	}
	kr, err := sse.LoadKeyringFile(filepath.Join(data, masterKeyFile))
	if err != nil {
		return "", "", err
	}
	meta, err := pebble.Open(filepath.Join(data, metaDir), pebble.Options{})
	if err != nil {
		return "", "", err
	}
	defer func() {
		if cerr := meta.Close(); err == nil {
			err = cerr
		}
	}()
	store, err := iam.New(iam.Options{Meta: meta, Keyring: kr})
	if err != nil {
		return "", "", err
	}
	if _, err := store.CreateUser(ctx, iam.CreateUserInput{Account: iam.RootAccountID, Name: user}); err != nil {
		return "", "", err
	}
	ent := iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: user}
	if err := store.PutInlinePolicy(ctx, ent, "bench", string(doc)); err != nil {
		return "", "", fmt.Errorf("%w: %s", err, iam.ErrorMessage(err))
	}
	k, secret, err := store.CreateAccessKey(ctx, iam.RootAccountID, user)
	if err != nil {
		return "", "", err
	}
	return k.AccessKeyID, secret, nil
}
