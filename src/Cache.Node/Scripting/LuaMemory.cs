using System.Runtime.InteropServices;

namespace Cache.Node.Scripting;

/// <summary>
/// The allocator of one Lua state, with a bound: past <see cref="Limit"/> an allocation fails
/// and Lua raises "not enough memory" inside the script, which ends it with an error. While
/// the node's own callbacks run (they must never make Lua raise: that would unwind through
/// managed frames) the bound is lifted; the next allocation of the script fails instead.
/// </summary>
internal sealed unsafe class LuaMemory : IDisposable
{
    private readonly Counters* _counters;

    public LuaMemory(long limit)
    {
        _counters = (Counters*)NativeMemory.AllocZeroed((nuint)sizeof(Counters));
        _counters->Limit = limit;
    }

    /// <summary>The opaque pointer Lua passes back to <see cref="Allocate"/>.</summary>
    public nint State => (nint)_counters;

    public long Used => _counters->Used;

    public long Limit
    {
        get => _counters->Limit;
        set => _counters->Limit = value;
    }

    /// <summary>True while allocations may exceed the limit (inside a callback).</summary>
    public bool Unbounded
    {
        get => _counters->Unbounded != 0;
        set => _counters->Unbounded = value ? 1 : 0;
    }

    public static delegate* unmanaged<nint, nint, nuint, nuint, nint> Allocator => &Allocate;

    public void Dispose() => NativeMemory.Free(_counters);

    [UnmanagedCallersOnly]
    private static nint Allocate(nint ud, nint ptr, nuint oldSize, nuint newSize)
    {
        var counters = (Counters*)ud;
        if (newSize == 0)
        {
            if (ptr != 0)
            {
                NativeMemory.Free((void*)ptr);
                counters->Used -= (long)oldSize;
            }

            return 0;
        }

        var old = ptr == 0 ? 0 : (long)oldSize;
        var grow = (long)newSize - old;
        if (grow > 0 && counters->Unbounded == 0 && counters->Used + grow > counters->Limit)
        {
            return 0;
        }

        var block = NativeMemory.Realloc((void*)ptr, newSize);
        if (block == null)
        {
            return 0;
        }

        counters->Used += grow;
        return (nint)block;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Counters
    {
        public long Used;
        public long Limit;
        public int Unbounded;
    }
}
