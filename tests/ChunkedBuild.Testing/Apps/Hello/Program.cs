// The sample app inside ChunkedBuild's end-to-end test images.
Console.WriteLine($"hello from {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}");
