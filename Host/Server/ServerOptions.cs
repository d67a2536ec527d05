namespace Workflow.Host.Server;

/// <summary>How <c>workflow serve</c> listens, stores its queue and guards its routes.</summary>
public sealed record ServerOptions
{
    public const string AuthTokenVariable = "WORKFLOW_AUTH_TOKEN";

    /// <summary>An IP address or host name; anything but loopback exposes the server to the network.</summary>
    public string Listen { get; init; } = "127.0.0.1";

    /// <summary>ComfyUI's port; 0 picks a free one (tests, the benchmark).</summary>
    public int Port { get; init; } = 8188;

    /// <summary>A SQLite file path or a <c>postgres://</c> URL; null means the SQLite file under the data folder.</summary>
    public string? Store { get; init; }

    /// <summary>When set, every route (the WebSocket too) needs <c>Authorization: Bearer &lt;token&gt;</c> or <c>?token=</c>.</summary>
    public string? AuthToken { get; init; }

    /// <summary>ComfyUI's default --max-upload-size (100 MB); also bounds JSON bodies.</summary>
    public long MaxUploadBytes { get; init; } = 100L << 20;

    /// <summary>
    /// How many times a prompt may be started without finishing before it is failed instead: a prompt that kills the
    /// server would otherwise kill it again after every restart. Graceful stops do not count.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>When set, a prompt still running after this long is interrupted and recorded as failed, saying why.</summary>
    public TimeSpan? PromptTimeLimit { get; init; }

    /// <summary>Status frames this often keep idle-watchdog clients (saintno's 10 s) connected during long nodes.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim holds without a heartbeat; a prompt whose server died is run again after it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for prompts other servers queued (a local POST wakes it at once).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The least time between accepting a prompt and its first event: clients subscribe to a prompt's events only
    /// after reading the POST reply, so a cached prompt's events could otherwise arrive first (comfyui.md §11).
    /// </summary>
    public TimeSpan FirstEventDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
