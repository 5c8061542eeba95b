// Temporary: replaced by conditions.go.

package policy

import (
	"fmt"
	"strings"
)

// checkOperator accepts only the operators this stand-in evaluates.
func checkOperator(op string) error {
	switch strings.TrimSuffix(op, "IfExists") {
	case "StringEquals", "StringLike", "Bool":
		return nil
	}
	return fmt.Errorf("Invalid Condition type : %s", op)
}

// evalCondition evaluates StringEquals, StringLike and Bool, with
// IfExists, enough for the evaluation tests.
func evalCondition(op, key string, want []string, ctx Context) (bool, error) {
	base, ifExists := strings.CutSuffix(op, "IfExists")
	have, ok := ctx.Lookup(key)
	if !ok {
		return ifExists, nil
	}
	for _, h := range have {
		for _, w := range want {
			switch base {
			case "StringEquals":
				if h == w {
					return true, nil
				}
			case "StringLike":
				if globMatch(compileGlob(w, false), h) {
					return true, nil
				}
			case "Bool":
				if strings.EqualFold(h, w) {
					return true, nil
				}
			}
		}
	}
	return false, nil
}
