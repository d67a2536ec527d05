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
var parse = root.Parse(args);
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException)
{
    return ExitCodes.Interrupted;
}
catch (Exception ex)
{
    return CrashReport.Print(ex, parse.GetValue(global.Verbose));
}
