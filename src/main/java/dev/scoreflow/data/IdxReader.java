package dev.scoreflow.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST format), plain or gzip-compressed.
 *
 * <p>An IDX file is a 4-byte big-endian magic number {@code 00 00 TT DD} (TT the data type, 0x08
 * for unsigned bytes; DD the number of dimensions), then DD big-endian 32-bit sizes, then the
 * payload in row-major order. Compression is detected by the gzip magic {@code 1f 8b}, not by the
 * name, so a renamed or already unpacked download still reads. Everything is checked, including
 * the exact payload length: a short file is a cut-off download and extra bytes mean the header
 * and the data disagree, and either would silently shift or drop examples if let through.
 */
public final class IdxReader {
  /** Data type byte of unsigned bytes, the only type scoreflow reads. */
  public static final int UNSIGNED_BYTE = 0x08;
  /** Magic number of an images file: unsigned bytes, 3 dimensions [count, rows, cols]. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of a labels file: unsigned bytes, 1 dimension [count]. */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Java arrays cannot be longer than this (a little under Integer.MAX_VALUE on HotSpot). */
  private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /** An images file: [count, rows, cols] unsigned bytes. */
  public static IdxData readImages(Path file) {
    return read(file, 3);
  }

  /** A labels file: [count] unsigned bytes. */
  public static IdxData readLabels(Path file) {
    return read(file, 1);
  }

  /**
   * Any unsigned-byte IDX file with exactly {@code expectedDims} dimensions.
   *
   * @throws MissingDataException if the file does not exist
   * @throws DataFormatException if it is not such a file; the message names the file and the fault
   */
  public static IdxData read(Path file, int expectedDims) {
    if (expectedDims < 1 || expectedDims > 255) {
      throw new IllegalArgumentException("expectedDims must lie in 1..255, got " + expectedDims);
    }
    if (!Files.isRegularFile(file)) {
      throw new MissingDataException(file + ": no such file");
    }
    boolean gzip = false;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      gzip = startsWithGzipMagic(raw);
      InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
      return parse(file, in, gzip, expectedDims);
    } catch (ZipException e) {
      throw new DataFormatException(file + ": not a valid gzip file (" + e.getMessage()
          + "); it starts with the gzip magic 1f 8b but its compressed data is damaged", e);
    } catch (EOFException e) {
      // Plain files never get here (readNBytes returns short instead); gzip streams do.
      throw new DataFormatException(file + ": truncated gzip data (" + e.getMessage()
          + "); the download was probably cut off, delete the file and fetch it again", e);
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static boolean startsWithGzipMagic(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static IdxData parse(Path file, InputStream in, boolean gzip, int expectedDims)
      throws IOException {
    String unpacked = gzip ? " once unzipped" : "";
    int expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw bad(file, "truncated header: the file has " + magic.length + " bytes" + unpacked
          + ", but an IDX file starts with a 4-byte magic number (expected "
          + hex(expectedMagic) + ", " + shapeWord(expectedDims) + ")");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw bad(file, "not an IDX file: it starts with bytes " + hexBytes(magic) + looksLikeText(magic)
          + "; expected magic number " + hex(expectedMagic) + " (" + shapeWord(expectedDims) + ")");
    }
    int type = magic[2] & 0xff;
    int dimCount = magic[3] & 0xff;
    int actualMagic = (type << 8) | dimCount;
    if (type != UNSIGNED_BYTE) {
      throw bad(file, "wrong data type: magic number " + hex(actualMagic) + " has type byte "
          + String.format(Locale.ROOT, "0x%02X", type) + " (" + typeName(type) + "); scoreflow reads only 0x08"
          + " (unsigned bytes), expected magic " + hex(expectedMagic));
    }
    if (dimCount != expectedDims) {
      throw bad(file, "wrong number of dimensions: magic number " + hex(actualMagic) + " says "
          + dimCount + ", expected " + expectedDims + " (magic " + hex(expectedMagic) + ", "
          + shapeWord(expectedDims) + ")" + swapHint(dimCount, expectedDims));
    }
    byte[] sizes = in.readNBytes(4 * expectedDims);
    if (sizes.length < 4 * expectedDims) {
      throw bad(file, "truncated header: after the magic number come " + expectedDims
          + " dimension sizes of 4 bytes (" + 4 * expectedDims + " bytes), the file has only "
          + sizes.length + unpacked);
    }
    int[] dims = new int[expectedDims];
    long expected = 1;
    for (int i = 0; i < expectedDims; i++) {
      int d = ((sizes[4 * i] & 0xff) << 24) | ((sizes[4 * i + 1] & 0xff) << 16)
          | ((sizes[4 * i + 2] & 0xff) << 8) | (sizes[4 * i + 3] & 0xff);
      if (d <= 0) {
        throw bad(file, "header gives " + dimName(i, expectedDims) + " = " + Integer.toUnsignedString(d)
            + "; expected 1 to " + Integer.MAX_VALUE);
      }
      dims[i] = d;
      expected *= d;
      if (expected > MAX_PAYLOAD) {
        throw bad(file, "header says " + describe(dims, i + 1) + ", more than " + MAX_PAYLOAD
            + " bytes, the most one file may hold here; the header is probably damaged");
      }
    }
    int headerBytes = 4 + 4 * expectedDims;
    // readNBytes grows its buffer as data arrives, so a damaged header that claims a huge
    // payload costs no more memory than the file really has.
    byte[] payload = in.readNBytes((int) expected);
    if (payload.length < expected) {
      throw bad(file, "truncated: header says " + describe(dims, expectedDims) + " = " + expected
          + " bytes, file has " + payload.length + " after its " + headerBytes + "-byte header" + unpacked);
    }
    long extra = in.transferTo(OutputStream.nullOutputStream());
    if (extra > 0) {
      throw bad(file, "trailing garbage: header says " + describe(dims, expectedDims) + " = " + expected
          + " bytes, file has " + extra + " more bytes after them" + unpacked);
    }
    return new IdxData(file, dims, payload);
  }

  private static DataFormatException bad(Path file, String what) {
    return new DataFormatException(file + ": " + what);
  }

  /** "10000 images of 28x28", "10000 labels", or "dimensions 2x3" for other ranks. */
  private static String describe(int[] dims, int known) {
    if (dims.length == 3 && known == 3) {
      return dims[0] + " images of " + dims[1] + "x" + dims[2];
    }
    if (dims.length == 1 && known == 1) {
      return dims[0] + " labels";
    }
    StringBuilder sb = new StringBuilder("dimensions ");
    for (int i = 0; i < known; i++) {
      sb.append(i == 0 ? "" : "x").append(Integer.toUnsignedString(dims[i]));
    }
    return sb.toString();
  }

  private static String shapeWord(int dims) {
    switch (dims) {
      case 3:
        return "images [count, rows, cols]";
      case 1:
        return "labels [count]";
      default:
        return dims + "-D unsigned bytes";
    }
  }

  private static String dimName(int i, int dims) {
    if (i == 0) {
      return dims == 3 ? "the image count" : dims == 1 ? "the label count" : "dimension 0";
    }
    if (dims == 3) {
      return i == 1 ? "the row count" : "the column count";
    }
    return "dimension " + i;
  }

  private static String swapHint(int actual, int expected) {
    if (actual == 1 && expected == 3) {
      return "; this looks like a labels file where an images file belongs";
    }
    if (actual == 3 && expected == 1) {
      return "; this looks like an images file where a labels file belongs";
    }
    return "";
  }

  private static String typeName(int type) {
    switch (type) {
      case 0x08:
        return "unsigned byte";
      case 0x09:
        return "signed byte";
      case 0x0B:
        return "16-bit integer";
      case 0x0C:
        return "32-bit integer";
      case 0x0D:
        return "32-bit float";
      case 0x0E:
        return "64-bit float";
      default:
        return "not an IDX type";
    }
  }

  private static String looksLikeText(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return "";
      }
    }
    // Failed downloads often save an HTML error page under the data file's name.
    return " (\"" + new String(bytes, java.nio.charset.StandardCharsets.US_ASCII)
        + "\", text, perhaps an error page saved by a failed download)";
  }

  static String hex(int magic) {
    return String.format(Locale.ROOT, "0x%08X", magic);
  }

  private static String hexBytes(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", b & 0xff));
    }
    return sb.toString();
  }
}
