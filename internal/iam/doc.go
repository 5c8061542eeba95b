// Package iam decides who may do what. Today it knows the account's root
// credentials and one rule (root may do everything, anonymous nothing); it is
// the single place where users, roles, policies, ACLs and block-public-access
// will be evaluated, behind the one Authorize call every operation makes.
package iam
