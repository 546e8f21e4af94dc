using System.Runtime.InteropServices;

namespace Cache.Node.Scripting;

/// <summary>
/// The Lua 5.1 C API, bound at run time to Debian's liblua5.1 (the language version Redis
/// embeds, so scripts written for Redis behave the same). Loaded once; when the library is
/// missing the node still starts and <see cref="LoadError"/> says what to install.
/// </summary>
internal static unsafe partial class LuaNative
{
    public const int RegistryIndex = -10000;
    public const int GlobalsIndex = -10002;
    public const int MultipleResults = -1;

    public const int TypeNil = 0;
    public const int TypeBoolean = 1;
    public const int TypeNumber = 3;
    public const int TypeString = 4;
    public const int TypeTable = 5;

    public const int GcCollect = 2;
    public const int GcCount = 3;
    public const int GcCountBytes = 4;
    public const int GcStep = 5;

    public const string InstallHint = "install the Debian packages liblua5.1-0, lua-cjson and lua-bitop";

    // dlopen flags: resolve now, and export Lua's symbols to the modules (cjson, bit) loaded after it.
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    private static readonly Lazy<string?> Loaded = new(Load);

    public static delegate* unmanaged<delegate* unmanaged<nint, nint, nuint, nuint, nint>, nint, nint> NewState;
    public static delegate* unmanaged<nint, void> Close;
    public static delegate* unmanaged<nint, int> GetTop;
    public static delegate* unmanaged<nint, int, void> SetTop;
    public static delegate* unmanaged<nint, int, void> PushValue;
    public static delegate* unmanaged<nint, int, void> Remove;
    public static delegate* unmanaged<nint, int, void> Insert;
    public static delegate* unmanaged<nint, int, int> CheckStack;
    public static delegate* unmanaged<nint, int, int> Type;
    public static delegate* unmanaged<nint, int, double> ToNumber;
    public static delegate* unmanaged<nint, int, int> ToBoolean;
    public static delegate* unmanaged<nint, int, nuint*, byte*> ToLString;
    public static delegate* unmanaged<nint, int, nuint> ObjLen;
    public static delegate* unmanaged<nint, void> PushNil;
    public static delegate* unmanaged<nint, double, void> PushNumber;
    public static delegate* unmanaged<nint, byte*, nuint, void> PushLString;
    public static delegate* unmanaged<nint, int, void> PushBoolean;
    public static delegate* unmanaged<nint, delegate* unmanaged<nint, int>, int, void> PushCClosure;
    public static delegate* unmanaged<nint, int, byte*, void> GetField;
    public static delegate* unmanaged<nint, int, byte*, void> SetField;
    public static delegate* unmanaged<nint, int, void> RawGet;
    public static delegate* unmanaged<nint, int, int, void> RawGetI;
    public static delegate* unmanaged<nint, int, void> RawSet;
    public static delegate* unmanaged<nint, int, int, void> RawSetI;
    public static delegate* unmanaged<nint, int, int, void> CreateTable;
    public static delegate* unmanaged<nint, int, int> Next;
    public static delegate* unmanaged<nint, int, int, int, int> PCall;
    public static delegate* unmanaged<nint, int, int, int> Gc;
    public static delegate* unmanaged<nint, byte*, nuint, byte*, int> LoadBuffer;
    public static delegate* unmanaged<nint, int, int> SetFEnv;
    public static delegate* unmanaged<nint, int, int> Ref;
    public static delegate* unmanaged<nint, int, int, void> Unref;
    public static delegate* unmanaged<nint, int, void> Concat;
    public static delegate* unmanaged<nint, int, int, void> CallFunction;
    public static delegate* unmanaged<nint, int> OpenBase;
    public static delegate* unmanaged<nint, int> OpenTable;
    public static delegate* unmanaged<nint, int> OpenString;
    public static delegate* unmanaged<nint, int> OpenMath;
    public static delegate* unmanaged<nint, int> OpenDebug;
    public static delegate* unmanaged<nint, int> OpenCjson;
    public static delegate* unmanaged<nint, int> OpenBit;

    /// <summary>Null when Lua is usable; otherwise why not and what to install.</summary>
    public static string? LoadError => Loaded.Value;

    private static string? Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Lua scripting needs Linux with Debian's Lua 5.1 packages (" + InstallHint + ")";
        }

        var lua = Open("liblua5.1.so.0");
        var cjson = Open("liblua5.1-cjson.so.0");
        var bit = Open("liblua5.1-bitop.so.0");
        if (lua == 0 || cjson == 0 || bit == 0)
        {
            var missing = lua == 0 ? "liblua5.1.so.0" : cjson == 0 ? "liblua5.1-cjson.so.0" : "liblua5.1-bitop.so.0";
            return $"Lua scripting is unavailable on this node: {missing} was not found; {InstallHint}";
        }

        try
        {
            Bind(lua);
            OpenCjson = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(cjson, "luaopen_cjson");
            OpenBit = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(bit, "luaopen_bit");
            return null;
        }
        catch (EntryPointNotFoundException ex)
        {
            return $"Lua scripting is unavailable on this node: {ex.Message}; {InstallHint}";
        }
    }

    private static void Bind(nint lib)
    {
        NewState = (delegate* unmanaged<delegate* unmanaged<nint, nint, nuint, nuint, nint>, nint, nint>)NativeLibrary.GetExport(lib, "lua_newstate");
        Close = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "lua_close");
        GetTop = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "lua_gettop");
        SetTop = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_settop");
        PushValue = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_pushvalue");
        Remove = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_remove");
        Insert = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_insert");
        CheckStack = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "lua_checkstack");
        Type = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "lua_type");
        ToNumber = (delegate* unmanaged<nint, int, double>)NativeLibrary.GetExport(lib, "lua_tonumber");
        ToBoolean = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "lua_toboolean");
        ToLString = (delegate* unmanaged<nint, int, nuint*, byte*>)NativeLibrary.GetExport(lib, "lua_tolstring");
        ObjLen = (delegate* unmanaged<nint, int, nuint>)NativeLibrary.GetExport(lib, "lua_objlen");
        PushNil = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "lua_pushnil");
        PushNumber = (delegate* unmanaged<nint, double, void>)NativeLibrary.GetExport(lib, "lua_pushnumber");
        PushLString = (delegate* unmanaged<nint, byte*, nuint, void>)NativeLibrary.GetExport(lib, "lua_pushlstring");
        PushBoolean = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_pushboolean");
        PushCClosure = (delegate* unmanaged<nint, delegate* unmanaged<nint, int>, int, void>)NativeLibrary.GetExport(lib, "lua_pushcclosure");
        GetField = (delegate* unmanaged<nint, int, byte*, void>)NativeLibrary.GetExport(lib, "lua_getfield");
        SetField = (delegate* unmanaged<nint, int, byte*, void>)NativeLibrary.GetExport(lib, "lua_setfield");
        RawGet = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_rawget");
        RawGetI = (delegate* unmanaged<nint, int, int, void>)NativeLibrary.GetExport(lib, "lua_rawgeti");
        RawSet = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_rawset");
        RawSetI = (delegate* unmanaged<nint, int, int, void>)NativeLibrary.GetExport(lib, "lua_rawseti");
        CreateTable = (delegate* unmanaged<nint, int, int, void>)NativeLibrary.GetExport(lib, "lua_createtable");
        Next = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "lua_next");
        PCall = (delegate* unmanaged<nint, int, int, int, int>)NativeLibrary.GetExport(lib, "lua_pcall");
        Gc = (delegate* unmanaged<nint, int, int, int>)NativeLibrary.GetExport(lib, "lua_gc");
        LoadBuffer = (delegate* unmanaged<nint, byte*, nuint, byte*, int>)NativeLibrary.GetExport(lib, "luaL_loadbuffer");
        SetFEnv = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "lua_setfenv");
        Ref = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "luaL_ref");
        Unref = (delegate* unmanaged<nint, int, int, void>)NativeLibrary.GetExport(lib, "luaL_unref");
        CallFunction = (delegate* unmanaged<nint, int, int, void>)NativeLibrary.GetExport(lib, "lua_call");
        Concat = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "lua_concat");
        OpenBase = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "luaopen_base");
        OpenTable = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "luaopen_table");
        OpenString = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "luaopen_string");
        OpenMath = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "luaopen_math");
        OpenDebug = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "luaopen_debug");
    }

    private static nint Open(string name)
    {
        fixed (byte* path = System.Text.Encoding.ASCII.GetBytes(name + "\0"))
        {
            return DlOpen(path, RtldNow | RtldGlobal);
        }
    }

    [LibraryImport("libc", EntryPoint = "dlopen")]
    private static partial nint DlOpen(byte* path, int flags);

    public static void Pop(nint state, int count) => SetTop(state, -count - 1);

    public static void PushBytes(nint state, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            PushLString(state, p, (nuint)bytes.Length);
        }
    }

    /// <summary>The string at <paramref name="index"/> (numbers are converted in place, as lua_tolstring does); empty when not a string.</summary>
    public static ReadOnlySpan<byte> ToBytes(nint state, int index)
    {
        nuint length;
        var p = ToLString(state, index, &length);
        return p == null ? default : new ReadOnlySpan<byte>(p, checked((int)length));
    }

    /// <summary>Pushes t[<paramref name="name"/>] without metamethods; <paramref name="name"/> must end with a NUL byte.</summary>
    public static void RawGetField(nint state, int index, ReadOnlySpan<byte> name)
    {
        var absolute = index < 0 && index > RegistryIndex ? GetTop(state) + index + 1 : index;
        PushBytes(state, name[..^1]);
        RawGet(state, absolute);
    }
}
