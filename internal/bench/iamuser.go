package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// userCommand is the first argument that selects `coffer bench user`.
const userCommand = "user"

// UserConfig says which IAM user `coffer bench user` makes, where, and as
// whom.
type UserConfig struct {
	Endpoint, Region     string
	AccessKey, SecretKey string
	Insecure             bool
	// Name is the user's name; PolicyName and Policy its inline policy.
	Name, PolicyName string
	Policy           string
}

// userUsage is `coffer bench user --help`.
const userUsage = `Usage: coffer bench user --endpoint URL --policy FILE [flags]

Creates, through the IAM API of the endpoint, the IAM user that a benchmark
measures beside the root user: CreateUser, PutUserPolicy with the document
in FILE, and CreateAccessKey. Prints "ACCESS_KEY SECRET_KEY" on one line.
Credentials (an identity allowed to create users: the account's root user)
default to $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY.

Flags:
`

// mainUser runs `coffer bench user` with args (after "user").
func mainUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c UserConfig
	var policyFile string
	fs := flag.NewFlagSet("coffer bench user", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	fs.StringVar(&c.Endpoint, "endpoint", "", "IAM endpoint `URL` (coffer serves IAM on its S3 address) (required)")
	fs.StringVar(&c.AccessKey, "access-key", "", "access key `id` (default $AWS_ACCESS_KEY_ID)")
	fs.StringVar(&c.SecretKey, "secret-key", "", "secret `key` (default $AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&c.Region, "region", "us-east-1", "SigV4 signing `region`")
	fs.BoolVar(&c.Insecure, "insecure", false, "skip TLS certificate verification")
	fs.StringVar(&c.Name, "name", "bench", "user `name`")
	fs.StringVar(&c.PolicyName, "policy-name", "bench", "inline policy `name`")
	fs.StringVar(&policyFile, "policy", "", "`file` holding the inline policy document (required)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, userUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		return exitUsage
	}
	if c.AccessKey == "" {
		c.AccessKey = os.Getenv("AWS_ACCESS_KEY_ID")
	}
	if c.SecretKey == "" {
		c.SecretKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	}
	if fs.NArg() > 0 || c.Endpoint == "" || policyFile == "" || c.AccessKey == "" || c.SecretKey == "" {
		fmt.Fprintln(stderr, "coffer bench user: --endpoint, --policy and credentials are required; run 'coffer bench user --help' for usage.")
		return exitUsage
	}
	doc, err := os.ReadFile(policyFile)
	if err != nil {
		fmt.Fprintf(stderr, "coffer bench user: %v\n", err)
		return exitFailed
	}
	c.Policy = string(doc)
	ak, sk, err := MakeUser(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "coffer bench user: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, ak, sk)
	return exitOK
}

// MakeUser creates the user with its inline policy and an access key
// through the IAM API and returns the key pair.
func MakeUser(ctx context.Context, c UserConfig) (accessKey, secret string, err error) {
	client := iam.New(iam.Options{
		Region:       c.Region,
		BaseEndpoint: aws.String(c.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, ""),
		HTTPClient:   &http.Client{Transport: newTransport(&Config{Concurrency: 1, Insecure: c.Insecure})},
	})
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(c.Name)}); err != nil {
		return "", "", fmt.Errorf("CreateUser %s: %w", c.Name, err)
	}
	if _, err := client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(c.Name),
		PolicyName: aws.String(c.PolicyName), PolicyDocument: aws.String(c.Policy)}); err != nil {
		return "", "", fmt.Errorf("PutUserPolicy %s: %w", c.Name, err)
	}
	out, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(c.Name)})
	if err != nil {
		return "", "", fmt.Errorf("CreateAccessKey %s: %w", c.Name, err)
	}
	return aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), nil
}
