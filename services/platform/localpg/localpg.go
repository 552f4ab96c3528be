// Package localpg starts a private PostgreSQL server from the machine's own
// binaries (initdb, postgres), so that `make run` and `make test` need nothing
// running beforehand. The cluster listens only on a Unix socket, so it never
// competes for a TCP port with a PostgreSQL the machine already runs.
//
// PostgreSQL refuses to run as root. When this process is root, the cluster
// runs as the unprivileged "postgres" account, which owns the data directory.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options say where the cluster lives and how it runs.
type Options struct {
	// Dir is the data directory. An empty or missing directory is initialised;
	// an initialised one is reused, so a second run finds its data again.
	Dir string
	// Throwaway turns off fsync and synchronous commit: fast, and safe only
	// for clusters whose data nobody needs after a crash (tests).
	Throwaway bool
	Logger    *slog.Logger
}

// Cluster is a running PostgreSQL server started by this process.
type Cluster struct {
	dir       string
	socketDir string
	cmd       *exec.Cmd
	exited    chan struct{}
	waitErr   error
	logFile   *os.File
}

// port names the socket file; nothing listens on TCP.
const port = 5432

// Start initialises the data directory when needed and starts the server,
// returning once it accepts connections.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	// Parents the server's account must pass through are searchable; the
	// data directory itself is its alone.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create PostgreSQL data directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("create PostgreSQL data directory: %w", err)
	}
	if cred != nil {
		if err := ownedBy(dir, cred); err != nil {
			return nil, err
		}
	}
	logFile, err := os.OpenFile(filepath.Join(filepath.Dir(dir), filepath.Base(dir)+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL log: %w", err)
	}
	c := &Cluster{dir: dir, logFile: logFile, exited: make(chan struct{})}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		log.Info("initialising a private PostgreSQL cluster", "dir", dir)
		initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C")
		var out bytes.Buffer
		initdb.Stdout, initdb.Stderr = &out, &out
		initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if err := initdb.Run(); err != nil {
			logFile.Close()
			return nil, fmt.Errorf("initdb %s: %w\n%s", dir, err, out.Bytes())
		}
	}
	c.socketDir = dir
	// A Unix socket path is limited to about 100 bytes.
	if len(dir)+len("/.s.PGSQL.5432") > 100 {
		if c.socketDir, err = os.MkdirTemp("", "wsms-pg-sock-"); err != nil {
			logFile.Close()
			return nil, err
		}
		if cred != nil {
			if err := os.Chown(c.socketDir, int(cred.Uid), int(cred.Gid)); err != nil {
				logFile.Close()
				return nil, err
			}
		}
	}
	args := []string{"-D", dir, "-k", c.socketDir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=", "-c", "max_connections=300"}
	if o.Throwaway {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), args...)
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	// Pdeathsig stops the server if this process dies without stopping it.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT, Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	if err := c.waitReady(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	log.Info("private PostgreSQL started", "dir", dir, "socket", c.socketDir)
	return c, nil
}

// URL returns a connection string for database on the cluster.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable", database, c.socketDir, port)
}

func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited at start-up (%v); its log %s ends:\n%s", c.waitErr, c.logFile.Name(), tail(c.logFile.Name()))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within a minute: %w; log %s ends:\n%s", err, c.logFile.Name(), tail(c.logFile.Name()))
		}
	}
}

// Stop shuts the server down (fast shutdown: open transactions roll back,
// committed data stays) and waits for it to exit.
func (c *Cluster) Stop() error {
	defer c.logFile.Close()
	if c.socketDir != c.dir {
		defer os.RemoveAll(c.socketDir)
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return errors.New("postgres did not stop within 30s and was killed")
	}
	var exit *exec.ExitError
	if c.waitErr != nil && !errors.As(c.waitErr, &exit) {
		return c.waitErr
	}
	return nil
}

// FindBinaries returns the directory holding initdb, postgres and the client
// programs of the same installation: from PATH,
// else the newest under /usr/lib/postgresql/*/bin (Debian and Ubuntu keep
// them off PATH).
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		// A link on PATH points into the installation's own bin folder,
		// which also holds pg_dump and psql.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, postgres) on PATH or under /usr/lib/postgresql/*/bin: " +
		"install the PostgreSQL server (Debian: apt-get install postgresql) or set DATABASE_URL to a running server")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// runAs returns the credential to run PostgreSQL with: nil when this process
// is not root, else the "postgres" system account's.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and PostgreSQL refuses root: create an unprivileged \"postgres\" account " +
			"(the PostgreSQL packages do), run as another user, or set DATABASE_URL")
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// ownedBy hands dir to the server's account and checks that the account can
// reach it through every parent directory.
func ownedBy(dir string, cred *syscall.Credential) error {
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(cred.Uid), int(cred.Gid))
	}); err != nil {
		return fmt.Errorf("hand %s to the postgres account: %w", dir, err)
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Perm()&0o001 == 0 && (st == nil || st.Uid != cred.Uid) {
			return fmt.Errorf("the postgres account cannot reach %s: %s is not searchable by others (chmod o+x %s), or set DATABASE_URL", dir, p, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// TempDir creates a fresh directory under the system's temporary directory
// that the server's account can reach, for a throwaway cluster; the caller
// removes it.
func TempDir() (string, error) {
	dir, err := os.MkdirTemp("", "wsms-pg-")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
