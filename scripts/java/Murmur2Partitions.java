import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Oracle for the Java producer's key partitioning: reads keys from stdin, one per
 * '\n'-terminated line, and prints for each the partition that the Java client's
 * default partitioner picks for that key.
 *
 * Usage: java -cp '.kafka/lib/*' scripts/java/Murmur2Partitions.java NUM_PARTITIONS
 *
 * It calls the client's own BuiltInPartitioner rather than a re-implementation,
 * so the TypeScript murmur2 port is checked against the real thing.
 * Lines are split on '\n' only and the raw bytes are hashed without decoding,
 * so a key with '\r' or any UTF-8 sequence hashes exactly as StringSerializer
 * (UTF-8) would serialize it.
 */
public final class Murmur2Partitions {
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Murmur2Partitions NUM_PARTITIONS < keys.txt");
            System.exit(2);
        }
        int numPartitions = parsePositive(args[0]);
        if (numPartitions < 1) {
            System.err.println("NUM_PARTITIONS must be a positive integer, got: " + args[0]);
            System.exit(2);
        }

        byte[] input = readAll(System.in);
        // Buffered, because one println per key through an unbuffered stream
        // dominates the run time for large key sets.
        PrintStream out = new PrintStream(new java.io.BufferedOutputStream(System.out, 1 << 16), false,
                StandardCharsets.US_ASCII);
        int start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                out.println(BuiltInPartitioner.partitionForKey(Arrays.copyOfRange(input, start, i), numPartitions));
                start = i + 1;
            }
        }
        // A last key without a trailing newline still counts.
        if (start < input.length) {
            out.println(BuiltInPartitioner.partitionForKey(Arrays.copyOfRange(input, start, input.length), numPartitions));
        }
        out.flush();
    }

    private static int parsePositive(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toByteArray();
    }
}
