using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: what Redis' introspection of a key's value shows.</summary>
internal static class ObjectCommand
{
    private const string Group = "generic";
    private const CommandFlags KeyFlags = CommandFlags.ReadOnly;

    // Redis keeps strings up to this many bytes in one allocation with their header (embstr).
    private const int EmbeddedStringLimit = 44;

    private static readonly string[] Help =
    [
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    ];

    public static void Register(CommandTable table) =>
        table.Add(new CommandDefinition("object", -2, CommandFlags.None, null, Group, "A container for object introspection commands.")
            .AddSubCommand(Keyed("encoding", Encoding, "Returns the internal encoding of a Redis object."))
            .AddSubCommand(Keyed("freq", Freq, "Returns the logarithmic access frequency counter of a Redis object."))
            .AddSubCommand(Keyed("idletime", IdleTime, "Returns the time since the last access to a Redis object."))
            .AddSubCommand(Keyed("refcount", RefCount, "Returns the reference count of a value of a key."))
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, ShowHelp, Group, "Returns helpful text about the different subcommands.")
            {
                Acl = AclCategories.Keyspace,
            }));

    private static CommandDefinition Keyed(string name, CommandHandler handler, string summary) =>
        new(name, 3, KeyFlags, handler, Group, summary)
        {
            Keys = new([KeySpec.At(2, KeySpecFlags.RO)]),
            Acl = AclCategories.Keyspace,
            Tips = ["nondeterministic_output"],
        };

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "OBJECT", Help);

    private static void Encoding(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        ref var entry = ref keys.Lookup(request[2], touch: false);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        if (keys.StoreFor(entry.Kind) is { } store)
        {
            client.Reply.Bulk(store.EncodingOf(entry));
            return;
        }

        client.Reply.Bulk((entry.Flags & EntryFlags.RawString) != 0 ? "raw"u8 : StringEncoding(keys.ValueOf(entry)));
    }

    /// <summary>
    /// Redis' name for how it would hold these string bytes: a canonical 64-bit integer is "int", a
    /// short string "embstr", a longer one "raw". (A string edited in place is "raw" whatever its
    /// bytes: <see cref="EntryFlags.RawString"/>.)
    /// </summary>
    internal static ReadOnlySpan<byte> StringEncoding(ReadOnlySpan<byte> value)
    {
        if (value.Length is > 0 and <= 20 && RespNumbers.TryParseInt64(value, out var number) && IsCanonical(value, number))
        {
            return "int"u8;
        }

        return value.Length <= EmbeddedStringLimit ? "embstr"u8 : "raw"u8;
    }

    private static bool IsCanonical(ReadOnlySpan<byte> value, long number)
    {
        Span<byte> text = stackalloc byte[20];
        return number.TryFormat(text, out var written, provider: System.Globalization.CultureInfo.InvariantCulture) && text[..written].SequenceEqual(value);
    }

    private static void Freq(ClientSession client, in RespRequest request)
    {
        // No LFU policy exists here, so frequency is never tracked: Redis' answer when LFU is off.
        if (Exists(client, request))
        {
            client.Reply.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."u8);
        }
    }

    private static void IdleTime(ClientSession client, in RespRequest request)
    {
        // OBJECT looks the key up without touching it (Redis' LOOKUP_NOTOUCH), so the age is the one before this call.
        ref var entry = ref client.Keys.Lookup(request[2], touch: false);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        client.Reply.Integer(client.Keys.IdleSeconds(entry));
    }

    private static void RefCount(ClientSession client, in RespRequest request)
    {
        // Values are never shared between keys here.
        if (Exists(client, request))
        {
            client.Reply.Integer(1);
        }
    }

    /// <summary>True when the key (argument 2) exists; otherwise replies null, as OBJECT does for a missing key.</summary>
    private static bool Exists(ClientSession client, in RespRequest request)
    {
        if (!Unsafe.IsNullRef(ref client.Keys.Lookup(request[2], touch: false)))
        {
            return true;
        }

        client.Reply.Null();
        return false;
    }
}
