using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Workflow.Host.Registry;

namespace Workflow.Host.Cli;

/// <summary><c>workflow nodes [--json]</c>: the node classes the plugins provide (ComfyUI's /object_info with --json).</summary>
public static class NodesCommand
{
    public static Command Create(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print ComfyUI's object_info JSON" };
        var command = new Command("nodes", "List the available nodes") { json };
        command.SetAction(parse =>
        {
            using var loggers = global.CreateLoggerFactory(parse);
            var engine = global.CreateEngine(parse, loggers);
            if (parse.GetValue(json))
            {
                Console.WriteLine(ObjectInfo.ForAll(engine.Registry, engine.Paths).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("node", "category", "inputs", "outputs", "plugin");
            foreach (var node in engine.Registry.All.OrderBy(n => n.Category).ThenBy(n => n.Name))
                table.AddRow(
                    Markup.Escape(node.Aliases.Count > 0 ? $"{node.Name} ({string.Join(", ", node.Aliases)})" : node.Name),
                    Markup.Escape(node.Category),
                    Markup.Escape(string.Join(", ", node.Inputs.Select(i => $"{i.Name}:{i.SocketType}"))),
                    Markup.Escape(string.Join(", ", node.Outputs.Select(o => o.SocketType))),
                    Markup.Escape(node.Module));
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
