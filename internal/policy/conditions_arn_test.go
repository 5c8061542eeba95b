package policy

import "testing"

func TestEvalCondition_Arn(t *testing.T) {
	// The documented contrast: pattern arn:aws:someservice:*:111122223333:finance/*
	// against arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt.
	// "With a StringLike condition, the match succeeds ... With an ArnLike
	// condition, which matches elements between colons, the match fails."
	pattern := []string{"arn:aws:someservice:*:111122223333:finance/*"}
	tricky := "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	// "ArnEquals": {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"}.
	topic := []string{"arn:aws:sns:us-east-2:123456789012:my-topic"}
	runCondTests(t, []condTest{
		{"StringLike crosses colons", "StringLike", pattern, keyed(tricky), true},
		{"ArnLike does not", "ArnLike", pattern, keyed(tricky), false},
		{"ArnEquals does not", "ArnEquals", pattern, keyed(tricky), false},
		{"ArnLike plain", "ArnLike", pattern, keyed("arn:aws:someservice:us-east-2:111122223333:finance/report.txt"), true},
		{"ArnLike empty region", "ArnLike", pattern, keyed("arn:aws:someservice::111122223333:finance/x"), true},
		{"ArnEquals topic", "ArnEquals", topic, keyed("arn:aws:sns:us-east-2:123456789012:my-topic"), true},
		{"ArnEquals other topic", "ArnEquals", topic, keyed("arn:aws:sns:us-east-2:123456789012:other"), false},
		// "If an IAM user attempts to perform this operation directly, the
		// condition returns false."
		{"ArnEquals missing", "ArnEquals", topic, noKey, false},
		// ArnEquals and ArnLike "behave identically": wildcards in both.
		{"ArnEquals wildcard", "ArnEquals", []string{"arn:aws:iam::*:role/?dmin"}, keyed("arn:aws:iam::123456789012:role/admin"), true},
		{"case-sensitive", "ArnLike", []string{"arn:aws:iam::*:role/Admin"}, keyed("arn:aws:iam::123456789012:role/admin"), false},
		{"partition case-sensitive", "ArnLike", []string{"arn:AWS:iam::*:*"}, keyed("arn:aws:iam::1:role/a"), false},
		{"star is empty too", "ArnLike", []string{"arn:aws:s3:*:*:bucket"}, keyed("arn:aws:s3:::bucket"), true},
		{"resource keeps colons", "ArnLike", []string{"arn:aws:logs:*:*:log-group:app:*"}, keyed("arn:aws:logs:us-east-1:1:log-group:app:log-stream:x"), true},
		{"resource star crosses colons", "ArnLike", []string{"arn:aws:logs:*:*:*"}, keyed("arn:aws:logs:us-east-1:1:log-group:app:log-stream:x"), true},
		{"all stars", "ArnLike", []string{"*:*:*:*:*:*"}, keyed("arn:aws:iam::1:role/a"), true},
		{"question one char", "ArnLike", []string{"arn:aws:iam::?:role/a"}, keyed("arn:aws:iam::12:role/a"), false},
		{"OR of values", "ArnLike", []string{"arn:aws:iam::1:role/a", "arn:aws:iam::2:role/*"}, keyed("arn:aws:iam::2:role/b"), true},
		// A request value that is not an ARN matches nothing.
		{"request not an ARN", "ArnLike", []string{"*:*:*:*:*:*"}, keyed("bucket/key"), false},
		{"request five parts", "ArnLike", []string{"*:*:*:*:*:*"}, keyed("arn:aws:s3::bucket"), false},
		// The negated forms.
		{"ArnNotLike outside", "ArnNotLike", []string{"arn:aws:iam::*:role/admin"}, keyed("arn:aws:iam::1:role/dev"), true},
		{"ArnNotLike inside", "ArnNotLike", []string{"arn:aws:iam::*:role/admin"}, keyed("arn:aws:iam::1:role/admin"), false},
		{"ArnNotEquals inside", "ArnNotEquals", topic, keyed(topic[0]), false},
		{"ArnNotLike missing", "ArnNotLike", []string{"arn:aws:iam::*:role/admin"}, noKey, true},
		{"ArnNotEquals tricky", "ArnNotEquals", pattern, keyed(tricky), true},
	})
	runBadValueTests(t, []badValueTest{
		{"ArnLike", []string{"*"}},
		{"ArnEquals", []string{"arn:aws:s3"}},
		{"ArnLike", []string{"arn:aws:iam::*"}}, // five components: * never spans the account's colon
		{"ArnNotLike", []string{""}},
		{"ArnNotEquals", []string{"arn:aws:iam::1:role/a", "role/a"}},
	})
}
