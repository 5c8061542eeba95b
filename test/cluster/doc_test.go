// Package cluster_test runs three real coffer processes on loopback
// ports sharing one PostgreSQL metadata database and one blob directory,
// drives conditional writes on the same keys through every node, kills
// one node with SIGKILL in the middle of the load, and checks with
// porcupine that the history the clients saw is linearizable per key:
// every acknowledged write stays visible through the surviving nodes and
// through the killed node once it is restarted.
package cluster_test
