using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// The node's function libraries (FUNCTION LOAD, FCALL), on a Lua engine of their own as in
/// Redis 7.0, so SCRIPT FLUSH leaves them alone. Library names are case-sensitive, function
/// names are not; a function name is unique across all libraries. Every change is all or
/// nothing: a load, replace or restore that fails leaves the libraries as they were.
/// Runs under the key-space lock, like the commands that use it.
/// </summary>
internal sealed class FunctionLibraries
{
    private const int LibraryOverhead = 96;
    private const int FunctionOverhead = 64;

    private readonly TimeProvider _time;
    private Set _current = new();

    public FunctionLibraries(TimeProvider time)
    {
        _time = time;
        Engine = new ScriptEngine(time);
    }

    /// <summary>How a restore treats the libraries already there.</summary>
    public enum RestorePolicy
    {
        Append,
        Replace,
        Flush,
    }

    /// <summary>
    /// The version of the whole set of libraries in a cluster: wall milliseconds shifted left 16
    /// bits, plus a counter, raised by every change made here; a peer's set replaces this one
    /// only when its version is higher (see <see cref="FunctionCommands"/>).
    /// </summary>
    public long Version { get; private set; }

    /// <summary>The Lua engine the functions run on.</summary>
    public ScriptEngine Engine { get; }

    public int LibraryCount => _current.Libraries.Count;

    public int FunctionCount => _current.Functions.Count;

    /// <summary>The libraries, in the order they were created.</summary>
    public IEnumerable<FunctionLibrary> Libraries => _current.Libraries.Values;

    /// <summary>Bytes the libraries' names, code and bookkeeping take outside the Lua state (INFO's used_memory_functions).</summary>
    public long OverheadBytes => _current.Bytes;

    /// <summary>The function of this name (any case), or null.</summary>
    public ScriptFunction? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > 256)
        {
            return null;
        }

        Span<char> chars = stackalloc char[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            chars[i] = (char)name[i];
        }

        return _current.ByName.TryGetValue(chars, out var function) ? function : null;
    }

    /// <summary>A change made on this node: the next version.</summary>
    public long NextVersion() => Version = Math.Max(Version + 1, _time.GetUtcNow().ToUnixTimeMilliseconds() << 16);

    /// <summary>A peer's whole set, taken when newer than this one; false when it was not (or did not load).</summary>
    public bool TryAdopt(long version, IReadOnlyList<byte[]> codes)
    {
        if (version <= Version || Restore(codes, RestorePolicy.Flush) is not null)
        {
            return false;
        }

        Version = version;
        return true;
    }

    /// <summary>FUNCTION LOAD: creates (or with <paramref name="replace"/> replaces) the library of <paramref name="code"/>; null with its name in <paramref name="name"/>, or the error.</summary>
    public string? Load(byte[] code, bool replace, bool timeout, out string? name) => Create(_current, code, replace, timeout, out name);

    /// <summary>FUNCTION DELETE: false when there is no library of that name.</summary>
    public bool Delete(string name)
    {
        if (!_current.Libraries.TryGetValue(name, out var library))
        {
            return false;
        }

        _current.Unlink(library);
        Engine.Release(library);
        return true;
    }

    /// <summary>FUNCTION FLUSH: every library gone, and a fresh Lua state (as Redis does).</summary>
    public void Flush()
    {
        _current = new Set();
        Engine.Flush();
    }

    /// <summary>FUNCTION RESTORE (and an RDB's functions): the libraries of <paramref name="codes"/>, added as <paramref name="policy"/> says; null, or the error.</summary>
    public string? Restore(IReadOnlyList<byte[]> codes, RestorePolicy policy)
    {
        var incoming = new Set();
        foreach (var code in codes)
        {
            if (Create(incoming, code, replace: false, timeout: false, out _) is { } error)
            {
                ReleaseAll(incoming);
                return error;
            }
        }

        if (policy == RestorePolicy.Flush)
        {
            ReleaseAll(_current);
            _current = incoming;
            return null;
        }

        var replaced = new List<FunctionLibrary>();
        foreach (var library in incoming.Libraries.Values)
        {
            if (_current.Libraries.TryGetValue(library.Name, out var old))
            {
                if (policy != RestorePolicy.Replace)
                {
                    Relink(replaced);
                    ReleaseAll(incoming);
                    return "ERR Library " + library.Name + " already exists";
                }

                _current.Unlink(old);
                replaced.Add(old);
            }
        }

        foreach (var function in incoming.Functions.Values)
        {
            if (_current.Functions.ContainsKey(function.Name))
            {
                Relink(replaced);
                ReleaseAll(incoming);
                return "ERR Function " + function.Name + " already exists";
            }
        }

        foreach (var library in incoming.Libraries.Values)
        {
            _current.Link(library);
        }

        foreach (var old in replaced)
        {
            Engine.Release(old);
        }

        return null;

        void Relink(List<FunctionLibrary> libraries)
        {
            foreach (var old in libraries)
            {
                _current.Link(old);
            }
        }
    }

    private string? Create(Set target, byte[] code, bool replace, bool timeout, out string? name)
    {
        name = null;
        if (FunctionHeader.TryRead(code, out var engine, out var libraryName, out var body) is { } invalid)
        {
            return invalid;
        }

        if (!FunctionHeader.IsValidName(libraryName))
        {
            return "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
        }

        if (!engine.Equals("lua", StringComparison.OrdinalIgnoreCase))
        {
            return "ERR Engine '" + engine + "' not found";
        }

        target.Libraries.TryGetValue(libraryName, out var old);
        if (old is not null && !replace)
        {
            return "ERR Library '" + libraryName + "' already exists";
        }

        if (old is not null)
        {
            target.Unlink(old);
        }

        var library = new FunctionLibrary(libraryName, code);
        var error = Engine.LoadLibrary(library, code.AsSpan(body), timeout);
        if (error is null)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var function in library.Functions)
            {
                if (target.Functions.ContainsKey(function.Name) || !seen.Add(function.Name))
                {
                    error = "ERR Function " + function.Name + " already exists";
                    break;
                }
            }
        }

        if (error is not null)
        {
            Engine.Release(library);
            if (old is not null)
            {
                target.Link(old);
            }

            return error;
        }

        target.Link(library);
        if (old is not null)
        {
            Engine.Release(old);
        }

        name = libraryName;
        return null;
    }

    private void ReleaseAll(Set set)
    {
        foreach (var library in set.Libraries.Values)
        {
            Engine.Release(library);
        }
    }

    /// <summary>A set of libraries and the index of their functions by name.</summary>
    private sealed class Set
    {
        public Set() => ByName = Functions.GetAlternateLookup<ReadOnlySpan<char>>();

        public Dictionary<string, FunctionLibrary> Libraries { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ScriptFunction> Functions { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, ScriptFunction>.AlternateLookup<ReadOnlySpan<char>> ByName { get; }

        public long Bytes { get; private set; }

        public void Link(FunctionLibrary library)
        {
            Libraries[library.Name] = library;
            Bytes += Size(library);
            foreach (var function in library.Functions)
            {
                Functions[function.Name] = function;
            }
        }

        public void Unlink(FunctionLibrary library)
        {
            Libraries.Remove(library.Name);
            Bytes -= Size(library);
            foreach (var function in library.Functions)
            {
                Functions.Remove(function.Name);
            }
        }

        private static long Size(FunctionLibrary library)
        {
            long size = LibraryOverhead + library.Code.Length + library.Name.Length;
            foreach (var function in library.Functions)
            {
                size += FunctionOverhead + function.Name.Length + (function.Description?.Length ?? 0);
            }

            return size;
        }
    }
}
