package policy

import "testing"

// TestEvalCondition_noPolicyValues pins the contract between variables.go
// and the operators: a condition whose every value was a variable with no
// value reaches evalCondition with no values, and then no value matches, so
// a positive operator is false and its negation true.
func TestEvalCondition_noPolicyValues(t *testing.T) {
	ctx := Keys{}
	ctx.Set("aws:username", "alice")
	tests := []struct {
		op   string
		want bool
	}{
		{"StringEquals", false},
		{"StringNotEquals", true},
		{"StringLike", false},
		{"StringNotLike", true},
		{"ForAnyValue:StringEquals", false},
	}
	for _, tt := range tests {
		got, err := evalCondition(tt.op, "aws:username", nil, ctx)
		if err != nil || got != tt.want {
			t.Errorf("evalCondition(%s, aws:username, no values) = %v, %v; want %v, nil", tt.op, got, err, tt.want)
		}
	}
}
