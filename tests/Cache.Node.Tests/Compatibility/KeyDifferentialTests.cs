using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The generic key family against redis-server, byte for byte. Relative expiries are only
/// read back in whole seconds (TTL rounds to the nearest second, so a few ms do not matter);
/// absolute ones are read back exactly.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class KeyDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Del_and_unlink_count_each_key_once() => redis.AssertSameAsync(
        "SET a 1", "SET b 2", "SET c 3", "DEL a a missing", "DEL a", "EXISTS a b", "UNLINK b b c missing", "DBSIZE",
        "DEL", "UNLINK", "SET x 1", "UNLINK x", "GET x");

    [Fact]
    public Task Exists_and_touch_count_duplicates() => redis.AssertSameAsync(
        "SET a 1", "SET b 2", "EXISTS a", "EXISTS a a a", "EXISTS a b missing a", "EXISTS missing", "TOUCH a a b missing",
        "TOUCH missing", "EXISTS", "TOUCH");

    [Fact]
    public Task Type_of_strings_and_missing_keys() => redis.AssertSameAsync(
        "SET s v", "TYPE s", "TYPE missing", "TYPE", "TYPE a b", "DEL s", "TYPE s");

    [Fact]
    public Task Rename_moves_values_and_reports_missing_keys() => redis.AssertSameAsync(
        "RENAME missing x", "RENAME missing missing", "SET a 1", "RENAME a a", "GET a", "RENAME a b", "GET a", "GET b", "EXISTS a",
        "SET c 3", "RENAME b c", "GET c", "DBSIZE", "RENAME a", "RENAME a b c");

    [Fact]
    public Task Rename_keeps_the_ttl_and_replaces_the_target_ttl() => redis.AssertSameAsync(
        "SET a 1", "EXPIRE a 100", "RENAME a b", "TTL b", "TTL a", "PEXPIREAT b 33177600000000", "RENAME b c", "PEXPIRETIME c",
        "SET d 4", "RENAME d c", "TTL c", "SET e 5", "EXPIRE e 50", "SET f 6", "EXPIRE f 500", "RENAME e f", "TTL f");

    [Fact]
    public Task Renamenx_only_renames_onto_a_missing_key() => redis.AssertSameAsync(
        "RENAMENX missing x", "RENAMENX missing missing", "SET a 1", "SET b 2", "RENAMENX a a", "RENAMENX a b", "GET a", "GET b",
        "RENAMENX a c", "GET c", "EXISTS a", "EXPIRE c 100", "RENAMENX c d", "TTL d", "RENAMENX d");

    [Fact]
    public Task Randomkey_on_empty_and_single_key_databases() => redis.AssertSameAsync(
        "RANDOMKEY", "SET only 1", "RANDOMKEY", "RANDOMKEY", "DEL only", "RANDOMKEY", "RANDOMKEY x");

    [Fact]
    public Task Ttl_family_on_missing_persistent_and_volatile_keys() => redis.AssertSameAsync(
        "TTL missing", "PTTL missing", "EXPIRETIME missing", "PEXPIRETIME missing", "SET k v", "TTL k", "PTTL k", "EXPIRETIME k",
        "PEXPIRETIME k", "EXPIRE k 100", "TTL k", "PEXPIREAT k 33177600000499", "PEXPIRETIME k", "EXPIRETIME k",
        "PEXPIREAT k 33177600000500", "EXPIRETIME k", "EXPIREAT k 33177600000", "EXPIRETIME k", "PEXPIRETIME k",
        "PEXPIREAT k 9223372036854775807", "EXPIRETIME k", "PEXPIRETIME k", "TTL", "PTTL a b", "EXPIRETIME", "PEXPIRETIME a b");

    [Fact]
    public Task Expire_family_sets_relative_and_absolute_times() => redis.AssertSameAsync(
        "EXPIRE missing 10", "PEXPIRE missing 10", "EXPIREAT missing 10", "PEXPIREAT missing 10", "SET k v", "EXPIRE k 100", "TTL k",
        "PEXPIRE k 200000", "TTL k", "EXPIREAT k 33177600000", "PEXPIRETIME k", "PEXPIREAT k 33177600000123", "PEXPIRETIME k",
        "EXPIREAT k 9223372036854775", "PEXPIRETIME k", "PEXPIREAT k 9223372036854775807", "PEXPIRETIME k", "GET k");

    [Fact]
    public Task Expire_with_a_past_or_zero_time_deletes_the_key() => redis.AssertSameAsync(
        "SET a 1", "EXPIRE a 0", "EXISTS a", "SET b 1", "EXPIRE b -5", "EXISTS b", "SET c 1", "PEXPIRE c -1", "EXISTS c",
        "SET d 1", "EXPIREAT d 1", "EXISTS d", "SET e 1", "PEXPIREAT e 0", "EXISTS e", "SET f 1", "PEXPIREAT f -9223372036854775808",
        "EXISTS f", "SET g 1", "EXPIRE g -9223372036854775", "EXISTS g", "DBSIZE");

    [Fact]
    public Task Expire_overflow_is_an_invalid_expire_time() => redis.AssertSameAsync(
        "SET k v", "EXPIRE k 9223372036854775807", "EXPIRE k 9223372036854776", "EXPIRE k -9223372036854776",
        "EXPIRE k -9223372036854775808", "PEXPIRE k 9223372036854775807", "EXPIREAT k 9223372036854776",
        "EXPIREAT k -9223372036854776", "EXPIRE missing 9223372036854775807", "PEXPIREAT k 9223372036854775807", "TTL k",
        "EXPIRE k 1 NX", "EXPIRE k 9223372036854775807 NX XX", "EXPIRE k 9223372036854775808", "PEXPIRE k 1.5", "EXPIRE k abc",
        "EXPIRE k ''", "EXPIRE k 10 bogus", "EXPIRE k abc bogus", "EXISTS k");

    [Fact]
    public Task Expire_option_combinations_match_redis() => redis.AssertSameAsync(
        "SET k v", "EXPIRE k 100 NX XX", "EXPIRE k 100 nx gt", "EXPIRE k 100 NX LT", "EXPIRE k 100 GT LT", "EXPIRE k 100 gt lt xx",
        "EXPIRE k 100 XX NX", "EXPIRE k 100 BOGUS", "EXPIRE k 100 NX BOGUS", "PEXPIRE k 100 LT GT", "EXPIREAT k 1 NX XX",
        "PEXPIREAT k 1 GT LT", "TTL k", "EXPIRE k 100 XX", "EXPIRE k 100 GT", "TTL k", "EXPIRE k 100 NX", "TTL k",
        "EXPIRE k 200 NX", "EXPIRE k 200 NX NX", "EXPIRE k 300 XX", "TTL k", "EXPIRE k 299 GT", "EXPIRE k 400 GT", "TTL k",
        "EXPIRE k 500 LT", "EXPIRE k 200 LT", "TTL k", "EXPIRE k 250 xx gt", "TTL k", "EXPIRE k 100 XX LT", "TTL k",
        "EXPIRE k 99 GT", "EXPIRE k 101 LT", "TTL k");

    [Fact]
    public Task Expire_options_on_keys_without_ttl_and_past_times() => redis.AssertSameAsync(
        "SET k v", "EXPIRE k 100 GT", "TTL k", "EXPIRE k -1 GT", "EXISTS k", "EXPIRE k 100 XX", "EXPIRE k -1 XX", "EXISTS k",
        "EXPIRE k 100 LT", "TTL k", "PERSIST k", "EXPIRE k -1 LT", "EXISTS k", "SET k v", "EXPIRE k 100", "EXPIRE k -1 NX",
        "EXISTS k", "EXPIRE k -1 GT", "EXPIRE k 0 LT", "EXISTS k", "SET k v", "PEXPIREAT k 1 NX", "EXISTS k",
        "EXPIRE missing 10 NX", "EXPIRE missing 10 XX", "EXPIRE missing -1 LT");

    [Fact]
    public Task Expire_options_with_absolute_times() => redis.AssertSameAsync(
        "SET k v", "PEXPIREAT k 33177600000000", "PEXPIREAT k 33177600000000 GT", "PEXPIREAT k 33177600000000 LT",
        "PEXPIREAT k 33177600000001 GT", "PEXPIRETIME k", "PEXPIREAT k 33177600000000 LT", "PEXPIRETIME k",
        "EXPIREAT k 33177600000 GT", "EXPIREAT k 33177600001 GT", "PEXPIRETIME k", "EXPIREAT k 33177600000 LT", "PEXPIRETIME k",
        "PEXPIREAT k 40000000000000 XX", "PEXPIRETIME k", "PEXPIREAT k 50000000000000 NX", "PEXPIRETIME k");

    [Fact]
    public Task Persist_removes_the_ttl() => redis.AssertSameAsync(
        "PERSIST missing", "SET k v", "PERSIST k", "EXPIRE k 100", "PERSIST k", "TTL k", "PERSIST k", "GET k", "PERSIST", "PERSIST a b",
        "SET k2 v EX 100", "PERSIST k2", "TTL k2");

    [Fact]
    public Task Set_and_expire_commands_interact() => redis.AssertSameAsync(
        "SET k v EX 100", "TTL k", "SET k v2", "TTL k", "EXPIRE k 100", "SET k v3 KEEPTTL", "TTL k", "SET k v4 PX 100000", "TTL k",
        "EXPIRE k 5 LT", "TTL k");

    [Fact]
    public Task Commands_on_an_expired_key_see_nothing() => redis.AssertSameAsync(
        "SET k v", "PEXPIREAT k 1", "TYPE k", "TTL k", "EXISTS k", "RENAME k x", "PERSIST k", "EXPIRE k 10", "DEL k", "KEYS *");

    [Fact]
    public Task Arity_errors_of_the_family() => redis.AssertSameAsync(
        "EXPIRE k", "PEXPIRE", "EXPIREAT k", "PEXPIREAT", "TTL", "PTTL", "PERSIST", "KEYS", "KEYS a b", "SCAN", "RENAMENX a b c",
        "RANDOMKEY a", "TYPE");
}
