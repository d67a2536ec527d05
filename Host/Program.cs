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
using var interrupt = new InterruptSignal();
try
{
    var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
    return await parse.InvokeAsync(invocation, interrupt.Token);
}
catch (OperationCanceledException)
{
    return ExitCodes.Interrupted;
}
catch (Exception ex)
{
    return CrashReport.Print(ex, parse.GetValue(global.Verbose));
}
