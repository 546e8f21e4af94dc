using System.Buffers;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Resp;
using Cache.Node.Storage;
using Cache.Node.Tests.Commands;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// Random set command sequences, run in process against a node with tiny encoding limits (so
/// the intset, packed and large encodings and every switch between them come up), against a
/// model of plain <see cref="HashSet{T}"/>s; at the end every set crosses to a second key space
/// by replication's export and import and must arrive the same.
/// </summary>
public sealed class SetModelProperties
{
    private static readonly string[] Keys = ["a", "b", "c"];

    // Integers (canonical or not), short strings, and one long enough to force the large encoding.
    private static readonly string[] Pool = ["0", "1", "2", "3", "5", "8", "13", "-4", "007", "+1", "x", "y", "z", new string('L', 70)];

    [Property(MaxTest = 150)]
    public Property Set_commands_agree_with_a_model_and_survive_replication() =>
        Prop.ForAll(Commands(), commands => Run(commands));

    private static bool Run(string[][] commands)
    {
        var server = new CacheServer(NodeSettings.From(new NodeOptions()), TimeProvider.System);
        server.Keys.Limits.SetMaxIntsetEntries = 5;
        server.Keys.Limits.SetMaxListpackEntries = 4;
        var output = new ArrayBufferWriter<byte>();
        var session = new ClientSession(server, output, "127.0.0.1:50000", "127.0.0.1:6379", isLoopback: true);
        var model = Keys.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var command in commands)
        {
            var reply = Execute(server, session, output, command);
            Apply(model, command, reply);
            foreach (var key in Keys)
            {
                var members = RespText.Bulks(Execute(server, session, output, ["SMEMBERS", key])).Order(StringComparer.Ordinal);
                Assert.True(
                    members.SequenceEqual(model[key].Order(StringComparer.Ordinal)),
                    $"{string.Join(' ', command)} left {key} = [{string.Join(',', members)}], model [{string.Join(',', model[key])}]");
                Assert.Equal($":{model[key].Count}\r\n", Execute(server, session, output, ["SCARD", key]));
            }
        }

        var replica = new KeySpace(TimeProvider.System);
        foreach (var key in Keys)
        {
            using (server.Keys.Enter())
            {
                if (server.Keys.Export(Encoding.ASCII.GetBytes(key)) is { IsTombstone: false } wire)
                {
                    replica.Apply(Encoding.ASCII.GetBytes(key), wire);
                }
            }

            Assert.Equal(model[key].Order(StringComparer.Ordinal), MembersOf(replica, key).Order(StringComparer.Ordinal));
        }

        return true;
    }

    /// <summary>What a command did to the model, read from its reply where it was random.</summary>
    private static void Apply(Dictionary<string, HashSet<string>> model, string[] command, string reply)
    {
        switch (command[0])
        {
            case "SADD":
                var added = command.Skip(2).Distinct().Count(m => model[command[1]].Add(m));
                Assert.Equal($":{added}\r\n", reply);
                break;
            case "SREM":
                var removed = command.Skip(2).Distinct().Count(m => model[command[1]].Remove(m));
                Assert.Equal($":{removed}\r\n", reply);
                break;
            case "SPOP":
                foreach (var member in RespText.Bulks(reply))
                {
                    Assert.True(model[command[1]].Remove(member), $"SPOP gave {member}, not a member");
                }

                break;
            case "SMOVE":
                var moved = model[command[1]].Remove(command[3]);
                if (moved)
                {
                    model[command[2]].Add(command[3]);
                }

                Assert.Equal(moved ? ":1\r\n" : ":0\r\n", reply);
                break;
            case "SINTERSTORE":
                model[command[1]] = [.. model[command[2]].Intersect(model[command[3]])];
                break;
            case "SUNIONSTORE":
                model[command[1]] = [.. model[command[2]].Union(model[command[3]])];
                break;
            case "SDIFFSTORE":
                model[command[1]] = [.. model[command[2]].Except(model[command[3]])];
                break;
        }
    }

    private static string Execute(CacheServer server, ClientSession session, ArrayBufferWriter<byte> output, string[] args)
    {
        var data = new List<byte>();
        var ranges = new List<ArgRange>();
        foreach (var arg in args)
        {
            ranges.Add(new(data.Count, arg.Length));
            data.AddRange(Encoding.ASCII.GetBytes(arg));
        }

        output.ResetWrittenCount();
        using (server.Keys.Enter())
        {
            session.Execute(new QueuedRequest([.. data], [.. ranges]).AsRequest());
        }

        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    private static List<string> MembersOf(KeySpace keys, string key)
    {
        var list = new List<string>();
        ref var entry = ref keys.Lookup(Encoding.ASCII.GetBytes(key));
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            return list;
        }

        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var members = keys.Sets.Members(entry, scratch);
        while (members.MoveNext())
        {
            list.Add(Encoding.ASCII.GetString(members.Current));
        }

        return list;
    }

    private static Arbitrary<string[][]> Commands()
    {
        var key = Gen.Elements(Keys);
        var member = Gen.Elements(Pool);
        var command = Gen.OneOf(
            from k in key from ms in Gen.ArrayOf(member).Where(a => a.Length > 0) select (string[])["SADD", k, .. ms],
            from k in key from ms in Gen.ArrayOf(member).Where(a => a.Length > 0) select (string[])["SREM", k, .. ms],
            from k in key select new[] { "SPOP", k },
            from k in key from n in Gen.Choose(0, 6) select new[] { "SPOP", k, n.ToString() },
            from s in key from d in key from m in member select new[] { "SMOVE", s, d, m },
            from op in Gen.Elements("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE") from d in key from x in key from y in key select new[] { op, d, x, y });
        return Gen.ArrayOf(Gen.Frequency((4, command.Where(c => c[0] == "SADD")), (3, command))).ToArbitrary();
    }
}
