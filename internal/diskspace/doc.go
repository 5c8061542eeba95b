// Package diskspace keeps a reserve of free space on the file systems
// coffer writes to: it refuses new data once a directory's free space
// would fall below the reserve, so that metadata commits, deletes and
// recovery always find room, and lets writes resume by themselves once
// space is back above the reserve plus a margin.
package diskspace
