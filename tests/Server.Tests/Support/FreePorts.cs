using System.Net;
using System.Net.Sockets;

namespace Workflow.Server.Tests.Support;

/// <summary>A loopback port nothing listens on now, for a process the test starts (a server, PostgreSQL).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
