using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Workflow.Host.Caching;
using Workflow.Host.Engine;
using Workflow.Host.Logging;
using Workflow.Host.Plugins;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Host.Cli;

/// <summary>Options every command takes: where the data and the plugins are, and how chatty to be.</summary>
public sealed class GlobalOptions
{
    public Option<DirectoryInfo?> BaseDir { get; } = new("--base-dir")
    {
        Description = "Folder holding models/, input/, output/ and temp/ (default: $WORKFLOW_BASE_DIR or the current folder)",
        Recursive = true,
    };

    public Option<DirectoryInfo[]> PluginDirs { get; } = new("--plugins")
    {
        Description = $"Extra folder of plugins, each in its own subfolder (repeatable; also ${PluginOptions.EnvironmentVariable})",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<long?> CacheMegabytes { get; } = new("--cache-mb")
    {
        Description = "Output cache budget in host RAM, MiB (default: half of the machine's memory)",
        Recursive = true,
    };

    public Option<long?> VramMegabytes { get; } = new("--vram-mb")
    {
        Description = "Device memory models may take, MiB; the least recently used move to the CPU beyond it (default: the card's memory less 400 MiB)",
        Recursive = true,
        Validators = { result => { if (result.GetValueOrDefault<long?>() is <= 0) result.AddError("--vram-mb must be a positive number of MiB"); } },
    };

    public Option<Device?> ModelDevice { get; } = new("--device")
    {
        Description = "Where models run: cpu, cuda or cuda:N (default: cuda:0 when libtorch has a CUDA device, else cpu)",
        Recursive = true,
        CustomParser = ParseDevice,
    };

    public Option<ScalarType?> Precision { get; } = new("--precision")
    {
        Description = "The dtype loaders store weights in when their weight_dtype is default: fp32, fp16 or bf16 (default: fp16 on CUDA, fp32 on the CPU)",
        Recursive = true,
        HelpName = "default|fp32|fp16|bf16",
        CustomParser = ParsePrecision,
    };

    public Option<long> MaxImagePixels { get; } = new("--max-image-pixels")
    {
        Description = $"Refuse images of more pixels, from their header (default: ${InputLimits.MaxImagePixelsVariable}, else {InputLimits.DefaultMaxImagePixels:N0}, PIL's limit)",
        Recursive = true,
        DefaultValueFactory = PixelsFromEnvironment,
        Validators = { result => { if (result.GetValueOrDefault<long>() <= 0) result.AddError("--max-image-pixels must be a positive number of pixels"); } },
    };

    public Option<int?> MaxStringMegabytes { get; } = new("--max-string-mb")
    {
        Description = $"Longest string a widget may hold or a node may make, in Mi characters (default {InputLimits.DefaultMaxStringMb}, or ${InputLimits.MaxStringVariable}; 0 lifts it)",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log debug messages and show .NET stack traces", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(BaseDir);
        root.Options.Add(PluginDirs);
        root.Options.Add(CacheMegabytes);
        root.Options.Add(ModelDevice);
        root.Options.Add(VramMegabytes);
        root.Options.Add(Precision);
        root.Options.Add(MaxImagePixels);
        root.Options.Add(MaxStringMegabytes);
        root.Options.Add(Verbose);
    }

    /// <summary>Logs go to standard error so that --json output on standard output stays machine-readable.</summary>
    public ILoggerFactory CreateLoggerFactory(ParseResult parse) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(parse.GetValue(Verbose) ? LogLevel.Debug : LogLevel.Warning)
        .AddTerseConsole(stackTraces: parse.GetValue(Verbose)));

    public EngineOptions EngineOptions(ParseResult parse)
    {
        var budget = CacheBudget.Default;
        if (parse.GetValue(CacheMegabytes) is { } mb)
            budget = budget with { HostBytes = mb << 20 };
        return new EngineOptions(
            Engine.EngineOptions.PathsUnder(parse.GetValue(BaseDir)?.FullName),
            PluginOptions.FromEnvironment((parse.GetValue(PluginDirs) ?? []).Select(d => d.FullName)),
            budget)
        {
            Device = parse.GetValue(ModelDevice),
            VramMegabytes = parse.GetValue(VramMegabytes),
            Precision = parse.GetValue(Precision),
            Limits = InputLimits.FromEnvironment() with
            {
                MaxImagePixels = parse.GetValue(MaxImagePixels),
                MaxStringLength = parse.GetValue(MaxStringMegabytes) is int megabytes ? InputLimits.StringLengthOf(megabytes) : InputLimits.FromEnvironment().MaxStringLength,
            },
            StackTraces = parse.GetValue(Verbose),
        };
    }

    private static long PixelsFromEnvironment(ArgumentResult result)
    {
        try
        {
            return InputLimits.FromEnvironment().MaxImagePixels;
        }
        catch (ArgumentException ex)
        {
            result.AddError(ex.Message);
            return InputLimits.DefaultMaxImagePixels;
        }
    }

    private static Device? ParseDevice(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        try
        {
            var device = Device.Parse(text);
            if (device.Type == DeviceType.CUDA && !torch.cuda.is_available())
                result.AddError($"--device {text}: libtorch {torch.__version__} sees no CUDA device (a CPU build, or no GPU); use --device cpu");
            return device;
        }
        catch (FormatException ex)
        {
            result.AddError($"--device: {ex.Message}");
            return null;
        }
    }

    private static ScalarType? ParsePrecision(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (text == "default")
            return null;
        if (WeightPrecision.Parse(text) is { } dtype)
            return dtype;
        result.AddError($"--precision {text}: expected {string.Join(", ", WeightPrecision.Names)} or default");
        return null;
    }

    public WorkflowEngine CreateEngine(ParseResult parse, ILoggerFactory loggers) => WorkflowEngine.Create(EngineOptions(parse), loggers);
}
