using System.CommandLine;
using Workflow.Host.Cli;

ConsoleSetup.Configure();
var global = new GlobalOptions();
var root = new RootCommand("Runs node-graph workflows (ComfyUI API format) with plugin nodes.")
{
    RunCommand.Create(global),
    ValidateCommand.Create(global),
    NodesCommand.Create(global),
    ServeCommand.Create(global),
    BenchCommand.Create(global, args),
};
global.AddTo(root);
return await root.Parse(args).InvokeAsync();
