using Cache.Node.Configuration;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Snapshots of the key space as one RDB file in <c>dir</c>/<c>dbfilename</c>: SAVE writes it
/// under the key space gate; BGSAVE serializes under the gate (we cannot fork: the pause is the
/// serialization, as SAVE's minus the disk) and writes on a background task; either writes a
/// temporary file and renames it over the old one, as Redis does. The changes since the last
/// save are counted from the store's changes; once a second <see cref="Cron"/> starts the
/// BGSAVEs the save points and BGSAVE SCHEDULE ask for. State changes happen under the gate.
/// </summary>
internal sealed class Persistence : IEntryObserver
{
    // Redis' CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE the save points wait this long.
    private const long RetryDelaySeconds = 5;

    private readonly CacheServer _server;
    private long _dirtyBeforeBackgroundSave;
    private long _lastAttemptSeconds;

    public Persistence(CacheServer server)
    {
        _server = server;
        LastSaveSeconds = server.StartedAtMs / 1000;
        server.Keys.Observe(this);
    }

    /// <summary>Writes since the last successful save (INFO's rdb_changes_since_last_save).</summary>
    public long Dirty { get; private set; }

    /// <summary>Counts a change outside the key space (the function libraries) toward the save points.</summary>
    public void MarkDirty() => Dirty++;

    /// <summary>Unix seconds of the last successful save, or of the start (LASTSAVE).</summary>
    public long LastSaveSeconds { get; private set; }

    public bool LastBackgroundSaveOk { get; private set; } = true;

    /// <summary>A BGSAVE's file is being written.</summary>
    public bool BackgroundSaveInProgress => BackgroundSave is not null;

    /// <summary>The running BGSAVE's write, for tests and DEBUG RELOAD to wait on.</summary>
    public Task? BackgroundSave { get; private set; }

    /// <summary>BGSAVE SCHEDULE asked for one once the running one ends.</summary>
    public bool Scheduled { get; set; }

    public long Saves { get; private set; }

    public long LastSaveDurationSeconds { get; private set; } = -1;

    public long LastLoadedKeys { get; private set; }

    public string FilePath => Path.Combine(_server.Settings.Dir, _server.Settings.DbFilename);

    public void OnEntryChanged(in EntryChange change)
    {
        if (change.Kind is not (EntryChangeKind.Reclaimed or EntryChangeKind.HandedOff))
        {
            Dirty++;
        }
    }

    /// <summary>SAVE: the file, written now; the error says why not.</summary>
    public string? Save()
    {
        var started = _server.Time.GetTimestamp();
        var bytes = Snapshot();
        try
        {
            Write(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }

        Dirty = 0;
        LastSaveSeconds = NowSeconds;
        LastSaveDurationSeconds = (long)_server.Time.GetElapsedTime(started).TotalSeconds;
        Saves++;
        return null;
    }

    /// <summary>BGSAVE: serializes now and writes the file on a background task.</summary>
    public void StartBackgroundSave()
    {
        var bytes = Snapshot();
        _dirtyBeforeBackgroundSave = Dirty;
        _lastAttemptSeconds = NowSeconds;
        var started = _server.Time.GetTimestamp();
        BackgroundSave = Task.Run(() => Finish(bytes, started));
    }

    /// <summary>Once a second: a scheduled BGSAVE, or one a save point is due for.</summary>
    public void Cron()
    {
        if (BackgroundSaveInProgress)
        {
            return;
        }

        if (Scheduled)
        {
            Scheduled = false;
            StartBackgroundSave();
            return;
        }

        var now = NowSeconds;
        foreach (var point in _server.Settings.SavePoints)
        {
            if (Dirty >= point.Changes && now - LastSaveSeconds > point.Seconds
                && (LastBackgroundSaveOk || now - _lastAttemptSeconds > RetryDelaySeconds))
            {
                StartBackgroundSave();
                return;
            }
        }
    }

    /// <summary>
    /// Loads the file into the key space and its function libraries (DEBUG RELOAD, and the start of
    /// a node); a missing file loads nothing. A library already there is an error unless
    /// <paramref name="replaceLibraries"/> (DEBUG RELOAD MERGE), as in Redis.
    /// </summary>
    public bool TryLoad(out string? error, bool replaceLibraries = false)
    {
        var path = FilePath;
        if (!File.Exists(path))
        {
            error = null;
            LastLoadedKeys = 0;
            return true;
        }

        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return false;
        }

        var libraries = new List<byte[]>();
        var ok = RdbFile.TryLoad(_server.Keys, file, out var loaded, out error, libraries);
        foreach (var code in libraries)
        {
            if (!ok)
            {
                break;
            }

            if (_server.Functions.Load(code, replaceLibraries, timeout: false, out _) is { } failed)
            {
                error = "The file's function library could not be created: " + failed;
                ok = false;
            }
        }

        LastLoadedKeys = loaded;
        Dirty = 0;
        return ok;
    }

    private long NowSeconds => _server.Time.GetUtcNow().ToUnixTimeSeconds();

    private ArraySegment<byte> Snapshot() =>
        RdbFile.Write(_server.Keys, NowSeconds, _server.Keys.UsedMemory, _server.Functions.Libraries.Select(l => l.Code));

    private void Finish(ArraySegment<byte> bytes, long started)
    {
        var ok = true;
        try
        {
            Write(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ok = false;
        }

        using (_server.Keys.Enter())
        {
            LastBackgroundSaveOk = ok;
            if (ok)
            {
                Dirty -= _dirtyBeforeBackgroundSave;
                LastSaveSeconds = NowSeconds;
                LastSaveDurationSeconds = (long)_server.Time.GetElapsedTime(started).TotalSeconds;
                Saves++;
            }

            BackgroundSave = null;
        }
    }

    // A temporary file renamed over the old one: a crash mid-write never leaves half a file.
    private void Write(ArraySegment<byte> bytes)
    {
        var dir = _server.Settings.Dir;
        var temp = Path.Combine(dir, $"temp-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.rdb");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
    }
}
