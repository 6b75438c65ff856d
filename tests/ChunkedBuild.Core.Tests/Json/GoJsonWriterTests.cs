using System.Buffers;
using System.Text;
using ChunkedBuild.Core.Json;
using Xunit;

namespace ChunkedBuild.Core.Tests.Json;

public class GoJsonWriterTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("<&>", "\"\\u003c\\u0026\\u003e\"")]
    [InlineData("tab\tnl\ncr\rbs\bff\f", "\"tab\\tnl\\ncr\\rbs\\bff\\f\"")]
    [InlineData("\u0000\u001f\u007f", "\"\\u0000\\u001f\u007f\"")]
    [InlineData("日本語 😀", "\"日本語 😀\"")]
    [InlineData("\u2028\u2029", "\"\\u2028\\u2029\"")]
    public void Go_json_writer_escapes_like_encoding_json(string value, string json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new GoJsonWriter(buffer).String(value);
        Assert.Equal(json, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Go_json_writer_replaces_a_lone_surrogate_like_invalid_utf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new GoJsonWriter(buffer).String(new string([(char)0xD800, 'x']));
        Assert.Equal("\"\\ufffdx\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Go_json_writer_places_commas_and_newlines()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new GoJsonWriter(buffer);
        w.StartObject(); w.Property("a", 1); w.Name("b"); w.StartArray(); w.Number(1); w.Null(); w.String("x"); w.EndArray();
        w.PropertyOmitEmpty("c", 0); w.PropertyOmitEmpty("d", ""); w.EndObject(); w.NewLine();
        w.StartObject(); w.EndObject();
        Assert.Equal("{\"a\":1,\"b\":[1,null,\"x\"]}\n{}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
