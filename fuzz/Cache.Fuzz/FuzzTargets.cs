using System.Buffers;
using System.Text;
using Cache.Gossip.Ring;
using Cache.Gossip.Wire;
using Cache.Node.Cluster;
using Cache.Node.Configuration;
using Cache.Node.Hosting;
using Cache.Node.Resp;
using Microsoft.Extensions.Configuration;

namespace Cache.Fuzz;

/// <summary>
/// One entry point per fuzz target. A target returns normally for every input, well-formed or
/// not; an exception or a hang is a finding.
/// </summary>
internal static class FuzzTargets
{
    public delegate void Target(ReadOnlySpan<byte> input);

    private static readonly byte[] Label = Encoding.UTF8.GetBytes("fuzz");
    // Created on first use: instrumented code must not run before SharpFuzz maps its coverage
    // memory, and this class's static constructor runs earlier than that.
    private static Keyring? _keys;

    private static Keyring Keys => _keys ??= new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static readonly IReadOnlyDictionary<string, Target> All = new Dictionary<string, Target>(StringComparer.Ordinal)
    {
        ["resp"] = Resp,
        ["gossip-packet"] = GossipPacket,
        ["gossip-message"] = GossipMessage,
        ["peer-reply"] = PeerReply,
        ["peer-command"] = PeerCommand,
        ["options"] = Options,
        ["acl"] = Acl,
    };

    /// <summary>
    /// The ACL rule parser (ACL SETUSER's arguments, an ACL file's lines): rules separated by spaces.
    /// A user it accepts, described as ACL LIST does, must parse again to the same description.
    /// </summary>
    private static void Acl(ReadOnlySpan<byte> input)
    {
        var rules = Encoding.Latin1.GetString(input).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!Cache.Node.Commands.AclRules.TryParse(rules, out var user, out _) || user is null)
        {
            return;
        }

        var described = user.Describe();
        var again = described.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..];
        if (!Cache.Node.Commands.AclRules.TryParse(again, out var reparsed, out var error) || reparsed is null)
        {
            throw new InvalidOperationException($"ACL LIST's line does not parse again: {described}: {error}");
        }

        if (reparsed.Describe() != described)
        {
            throw new InvalidOperationException($"described differently after a round trip:\n{described}\n{reparsed.Describe()}");
        }
    }

    /// <summary>
    /// The RESP request parser, as a connection drives it: the whole input at once, then the same
    /// bytes arriving in small pieces. Both must give the same commands and the same end.
    /// </summary>
    private static void Resp(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var unauthenticated = (input[0] & 1) != 0;
        var chunk = 1 + (input[0] >> 1);
        var data = input[1..].ToArray();
        var whole = RespParse.Run(data, data.Length, unauthenticated);
        var pieces = RespParse.Run(data, chunk, unauthenticated);
        if (whole != pieces)
        {
            throw new InvalidOperationException($"parsed differently in pieces of {chunk}:\n{whole}\n---\n{pieces}");
        }
    }

    /// <summary>The gossip envelope (label, flags, encryption, deflate), then the body it opens.</summary>
    private static void GossipPacket(ReadOnlySpan<byte> input)
    {
        var packet = input.ToArray();
        if (PacketEnvelope.TryOpen(packet, [], null, out var body, out _))
        {
            GossipMessage(body.Span);
        }

        if (PacketEnvelope.TryOpen(packet, Label, null, out body, out _))
        {
            GossipMessage(body.Span);
        }

        if (PacketEnvelope.TryOpen(packet, Label, Keys, out body, out _))
        {
            GossipMessage(body.Span);
        }

        // Encrypted with the right key, so the fuzzer also reaches what follows decryption.
        var sealedPacket = PacketEnvelope.Seal(packet, Label, Keys, extraFlags: 0);
        if (!PacketEnvelope.TryOpen(sealedPacket, Label, Keys, out body, out var reason) || !body.Span.SequenceEqual(packet))
        {
            throw new InvalidOperationException($"a sealed packet did not open to its body ({reason})");
        }
    }

    /// <summary>A decrypted gossip body: a sequence of (type, length, payload) messages.</summary>
    private static void GossipMessage(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        while (MessageCodec.TryReadFrame(ref reader, out var type, out var payload))
        {
            _ = type switch
            {
                MessageType.Ping => MessageCodec.TryRead(payload, out PingMessage _),
                MessageType.IndirectPing => MessageCodec.TryRead(payload, out IndirectPingMessage _),
                MessageType.Ack or MessageType.Nack => MessageCodec.TryReadSeq(payload, out _),
                MessageType.Alive => MessageCodec.TryRead(payload, out AliveMessage _),
                MessageType.Suspect => MessageCodec.TryRead(payload, out SuspectMessage _),
                MessageType.Dead => MessageCodec.TryRead(payload, out DeadMessage _),
                MessageType.PushPull => MessageCodec.TryReadPushPull(payload, out _, out _, out _),
                _ => false,
            };
        }
    }

    /// <summary>A peer's reply to LEAVES, PULL/FETCH and ENTRY, through each decoder.</summary>
    private static void PeerReply(ReadOnlySpan<byte> input)
    {
        var frame = input.ToArray();
        _ = PeerReplyParser.ParseLeaves(frame);
        _ = PeerReplyParser.ParseEntries(frame);
        _ = PeerReplyParser.ParseEntry(frame);
    }

    /// <summary>
    /// The arguments of the GOSSIPCACHE commands: each request the input holds, read as
    /// replicated entries and deltas at every offset APPLY, REPLICATE and HANDOFF use, and every
    /// argument as a slot bitmap and an encoded delta command.
    /// </summary>
    private static void PeerCommand(ReadOnlySpan<byte> input)
    {
        var parser = new RequestParser(new ProtocolLimits());
        var buffer = new ReadOnlySequence<byte>(input.ToArray());
        while (!buffer.IsEmpty && parser.TryParse(buffer, out var request, out var length) == ParseStatus.Complete)
        {
            for (var first = 2; first <= 3; first++)
            {
                for (var at = first; at + ReplicationCodec.ArgsPerEntry <= request.Count; at += ReplicationCodec.ArgsPerEntry)
                {
                    _ = ReplicationDeltaCodec.IsDelta(request, at)
                        ? ReplicationDeltaCodec.TryRead(request, at, out _)
                        : ReplicationCodec.TryRead(request, at, out _);
                }
            }

            for (var i = 0; i < request.Count; i++)
            {
                _ = SlotBitmap.TryFromWire(request[i], out _);
                _ = ReplicationDeltaCodec.TryDecodeCommand(request[i], out _);
                _ = PeerPageDecoder.TryParseNumber(new ReadOnlySequence<byte>(request[i].ToArray()), out _);
            }

            buffer = buffer.Slice(length);
        }
    }

    /// <summary>The command line (one argument per line), bound and validated as Program does.</summary>
    private static void Options(ReadOnlySpan<byte> input)
    {
        var args = Encoding.UTF8.GetString(input).Split('\n');
        if (!CommandLine.TryParse(args, out var switches, out _, out var help) || help)
        {
            return;
        }

        var options = new NodeOptions();
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(switches).Build().Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            _ = CommandLine.DescribeBindError(ex.Message);
            return;
        }

        _ = NodeOptionsValidator.Validate(options);
    }
}
