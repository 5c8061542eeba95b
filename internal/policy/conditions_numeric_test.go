package policy

import "testing"

func TestEvalCondition_Numeric(t *testing.T) {
	runCondTests(t, []condTest{
		// "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}:
		// "the requester can list up to 10 objects".
		{"max-keys 10", "NumericLessThanEquals", []string{"10"}, keyed("10"), true},
		{"max-keys 9", "NumericLessThanEquals", []string{"10"}, keyed("9"), true},
		{"max-keys 11", "NumericLessThanEquals", []string{"10"}, keyed("11"), false},
		{"max-keys missing", "NumericLessThanEquals", []string{"10"}, noKey, false},
		{"Equals int", "NumericEquals", []string{"10"}, keyed("10"), true},
		{"Equals decimal vs int", "NumericEquals", []string{"10"}, keyed("10.0"), true},
		{"Equals leading zeros", "NumericEquals", []string{"7"}, keyed("007"), true},
		{"Equals plus sign", "NumericEquals", []string{"7"}, keyed("+7"), true},
		{"Equals exponent", "NumericEquals", []string{"1e3"}, keyed("1000"), true},
		{"Equals negative zero", "NumericEquals", []string{"0"}, keyed("-0.0"), true},
		{"Equals exact decimals", "NumericEquals", []string{"0.3"}, keyed("0.30"), true},
		{"Equals big ints", "NumericEquals", []string{"9007199254740993"}, keyed("9007199254740992"), false},
		{"Equals differs", "NumericEquals", []string{"10"}, keyed("10.5"), false},
		{"Equals OR", "NumericEquals", []string{"1", "2", "3"}, keyed("2"), true},
		{"NotEquals", "NumericNotEquals", []string{"10"}, keyed("11"), true},
		{"NotEquals same", "NumericNotEquals", []string{"10"}, keyed("10.00"), false},
		{"NotEquals missing", "NumericNotEquals", []string{"10"}, noKey, true},
		{"LessThan", "NumericLessThan", []string{"10"}, keyed("9.99"), true},
		{"LessThan equal", "NumericLessThan", []string{"10"}, keyed("10"), false},
		{"LessThan negative", "NumericLessThan", []string{"-1"}, keyed("-1.5"), true},
		{"LessThanEquals", "NumericLessThanEquals", []string{"1.5"}, keyed("1.5"), true},
		{"GreaterThan", "NumericGreaterThan", []string{"10"}, keyed("10.01"), true},
		{"GreaterThan equal", "NumericGreaterThan", []string{"10"}, keyed("10"), false},
		{"GreaterThanEquals", "NumericGreaterThanEquals", []string{"10"}, keyed("10"), true},
		{"GreaterThanEquals less", "NumericGreaterThanEquals", []string{"10"}, keyed("9"), false},
		// A request value that is not a number matches no policy value.
		{"request not a number", "NumericEquals", []string{"10"}, keyed("ten"), false},
		{"request empty", "NumericLessThan", []string{"10"}, keyed(""), false},
		{"request hex", "NumericEquals", []string{"16"}, keyed("0x10"), false},
		{"request spaces", "NumericEquals", []string{"10"}, keyed(" 10"), false},
		{"request NaN", "NumericGreaterThan", []string{"0"}, keyed("NaN"), false},
		{"request Inf", "NumericGreaterThan", []string{"0"}, keyed("Inf"), false},
		{"request huge exponent", "NumericGreaterThan", []string{"0"}, keyed("1e999999999"), false},
		{"request fraction", "NumericEquals", []string{"1"}, keyed("1/1"), false},
		{"NotEquals request not a number", "NumericNotEquals", []string{"10"}, keyed("ten"), true},
	})
	runBadValueTests(t, []badValueTest{
		{"NumericEquals", []string{"ten"}},
		{"NumericLessThan", []string{"10", "x"}},
		{"NumericGreaterThan", []string{""}},
		{"NumericNotEquals", []string{"1e999999"}},
		{"NumericEquals", []string{"1/2"}},
		{"NumericEquals", []string{"1_000"}},
		{"NumericLessThanEquals", []string{"."}},
		{"NumericLessThanEquals", []string{"1e"}},
		{"ForAnyValue:NumericEqualsIfExists", []string{"abc"}},
	})
}
