package policy

import "testing"

func TestEvalCondition_String(t *testing.T) {
	prefixes := []string{"", "home/", "home/bob/"}
	runCondTests(t, []condTest{
		// "Condition": {"StringEquals": {"aws:PrincipalTag/job-category":
		// "iamuser-admin"}}; "If a user without the tag attempts to view or
		// edit an access key, the condition returns false".
		{"tag matches", "StringEquals", []string{"iamuser-admin"}, keyed("iamuser-admin"), true},
		{"tag missing", "StringEquals", []string{"iamuser-admin"}, noKey, false},
		// "the following condition includes the StringEquals operator to
		// make sure that only requests made by john match. Users named
		// John are denied access."
		{"case-sensitive", "StringEquals", []string{"john"}, keyed("John"), false},
		{"exact", "StringEquals", []string{"john"}, keyed("john"), true},
		{"no wildcards in Equals", "StringEquals", []string{"jo*"}, keyed("john"), false},
		{"literal star in Equals", "StringEquals", []string{"jo*"}, keyed("jo*"), true},
		{"empty value", "StringEquals", []string{""}, keyed(""), true},
		{"OR of values", "StringEquals", []string{"a", "b", "c"}, keyed("c"), true},
		{"NotEquals differs", "StringNotEquals", []string{"john"}, keyed("John"), true},
		{"NotEquals same", "StringNotEquals", []string{"john"}, keyed("john"), false},
		{"NotEquals missing", "StringNotEquals", []string{"john"}, noKey, true},
		{"IgnoreCase", "StringEqualsIgnoreCase", []string{"john"}, keyed("JOHN"), true},
		{"IgnoreCase differs", "StringEqualsIgnoreCase", []string{"john"}, keyed("johnny"), false},
		{"IgnoreCase Unicode", "StringEqualsIgnoreCase", []string{"ÉTÉ"}, keyed("été"), true},
		{"IgnoreCase no wildcards", "StringEqualsIgnoreCase", []string{"J*"}, keyed("john"), false},
		{"NotEqualsIgnoreCase same", "StringNotEqualsIgnoreCase", []string{"john"}, keyed("JoHn"), false},
		{"NotEqualsIgnoreCase differs", "StringNotEqualsIgnoreCase", []string{"john"}, keyed("jane"), true},
		{"NotEqualsIgnoreCase missing", "StringNotEqualsIgnoreCase", []string{"john"}, noKey, true},
		// "Condition": {"StringLike": {"s3:prefix": ["", "home/",
		// "home/${aws:username}/"]}}, the variable already substituted.
		{"prefix root", "StringLike", prefixes, keyed(""), true},
		{"prefix home", "StringLike", prefixes, keyed("home/"), true},
		{"prefix own home", "StringLike", prefixes, keyed("home/bob/"), true},
		{"prefix other home", "StringLike", prefixes, keyed("home/alice/"), false},
		{"prefix deeper", "StringLike", prefixes, keyed("home/bob/photos/"), false},
		{"star any run", "StringLike", []string{"home/*"}, keyed("home/bob/photos/"), true},
		{"star empty run", "StringLike", []string{"home/*"}, keyed("home/"), true},
		{"star in the middle", "StringLike", []string{"a*z"}, keyed("abcz"), true},
		{"stars", "StringLike", []string{"*b*d*"}, keyed("abcde"), true},
		{"stars no match", "StringLike", []string{"*b*d*"}, keyed("abce"), false},
		{"question one char", "StringLike", []string{"t?.micro"}, keyed("t2.micro"), true},
		{"question not zero", "StringLike", []string{"t?.micro"}, keyed("t.micro"), false},
		{"question not two", "StringLike", []string{"t?.micro"}, keyed("t23.micro"), false},
		{"question multibyte", "StringLike", []string{"caf?"}, keyed("café"), true},
		{"Like case-sensitive", "StringLike", []string{"Home/*"}, keyed("home/x"), false},
		{"Like whole string", "StringLike", []string{"home"}, keyed("home/"), false},
		{"backtracking", "StringLike", []string{"*ab*ab"}, keyed("xabyabab"), true},
		{"star only", "StringLike", []string{"*"}, keyed(""), true},
		{"NotLike", "StringNotLike", []string{"home/*"}, keyed("tmp/x"), true},
		{"NotLike matching", "StringNotLike", []string{"home/*", "tmp/*"}, keyed("tmp/x"), false},
		{"NotLike missing", "StringNotLike", []string{"home/*"}, noKey, true},
	})
}

func TestLikeMatch_WorstCaseIsBounded(t *testing.T) {
	s := make([]byte, 4096)
	for i := range s {
		s[i] = 'a'
	}
	p := "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"
	if likeMatch(p, string(s)) {
		t.Fatal("matched a pattern that needs a b")
	}
}
