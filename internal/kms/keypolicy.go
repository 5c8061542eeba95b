package kms

import (
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// defaultPolicyName is the only key policy name KMS has.
const defaultPolicyName = "default"

// defaultKeyPolicy is the key policy AWS gives a key created without one
// ("Default key policy"): the account may use IAM policies to allow
// access to the key, and its root user is allowed.
func defaultKeyPolicy(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// s3ManagedKeyPolicy is the key policy of an account's AWS-managed S3 key
// (aws/s3), as AWS writes it: every principal of the account may use it
// through S3, and the account may read its metadata; nobody may change it.
func s3ManagedKeyPolicy(account, region string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-s3-2",
  "Statement" : [ {
    "Sid" : "Allow access through S3 for all principals in the account that are authorized to use S3",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + account + `",
        "kms:ViaService" : "s3.` + region + `.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
}`
}

// checkPolicy validates doc as a key policy and, unless bypass is set,
// applies AWS's lockout safety check: the caller must still be allowed
// kms:PutKeyPolicy under the new policy.
func (s *Service) checkPolicy(ctx context.Context, caller Caller, k *keyRecord, doc string, bypass bool) error {
	p, err := policy.Parse([]byte(doc), policy.Key)
	if err != nil {
		if se, ok := errors.AsType[*policy.SizeError](err); ok {
			return errorf(ErrLimitExceeded, "Policy exceeds the maximum size of %d bytes", se.Limit)
		}
		return errorf(ErrMalformedPolicy, "%s", err.Error())
	}
	if bypass {
		return nil
	}
	d := s.opts.Authorizer.Authorize(ctx, iam.Request{
		Principal: caller.Principal, Action: "kms:PutKeyPolicy", Resource: k.arn(),
		Conditions: conditions(caller, nil),
		KMSKey:     &iam.KeyResource{ARN: k.arn(), Account: k.Account, Policy: p},
	})
	if !d.Allowed {
		return errorf(ErrMalformedPolicy, "The new key policy will not allow you to update the key policy in the future.")
	}
	return nil
}

// GetKeyPolicy returns the key policy of the key (name must be
// "default").
func (s *Service) GetKeyPolicy(ctx context.Context, req KeyRequest, name string) (doc string, err error) {
	c := s.begin("GetKeyPolicy", req.Caller, true)
	c.params["keyId"], c.params["policyName"] = req.KeyID, name
	defer func() { s.end(ctx, c, err) }()
	if name == "" {
		name = defaultPolicyName
	}
	k, err := s.useKey(ctx, c, req.KeyID, "GetKeyPolicy", nil)
	if err != nil {
		return "", err
	}
	if name != defaultPolicyName {
		return "", errorf(ErrNotFound, "No such policy exists")
	}
	return k.Policy, nil
}

// PutKeyPolicy replaces the key's policy.
func (s *Service) PutKeyPolicy(ctx context.Context, req KeyRequest, name, doc string, bypass bool) (err error) {
	c := s.begin("PutKeyPolicy", req.Caller, false)
	c.params["keyId"], c.params["policyName"], c.params["policy"] = req.KeyID, name, doc
	c.params["bypassPolicyLockoutSafetyCheck"] = bypass
	defer func() { s.end(ctx, c, err) }()
	if name == "" {
		name = defaultPolicyName
	}
	if name != defaultPolicyName {
		return invalid("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: default", name)
	}
	if doc == "" {
		return invalid("1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null")
	}
	k, err := s.useKey(ctx, c, req.KeyID, "PutKeyPolicy", nil)
	if err != nil {
		return err
	}
	if err := s.customerManaged(k); err != nil {
		return err
	}
	if err := s.checkPolicy(ctx, req.Caller, k, doc, bypass); err != nil {
		return err
	}
	_, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		k.Policy = doc
		return nil
	})
	return err
}

// ListKeyPolicies lists the key's policy names: always "default".
func (s *Service) ListKeyPolicies(ctx context.Context, req KeyRequest) (names []string, err error) {
	c := s.begin("ListKeyPolicies", req.Caller, true)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	if _, err := s.useKey(ctx, c, req.KeyID, "ListKeyPolicies", nil); err != nil {
		return nil, err
	}
	return []string{defaultPolicyName}, nil
}
