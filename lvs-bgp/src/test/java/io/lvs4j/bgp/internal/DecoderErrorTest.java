package io.lvs4j.bgp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.bgp.internal.MessageError.Action;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * Malformed messages give the NOTIFICATION RFC 4271 section 6 names (code/subcode/data), with RFC
 * 7606's handling for UPDATE errors; the bytes are written by hand from the RFCs' layouts.
 */
class DecoderErrorTest {
    private static final Decoder.Options EBGP = new Decoder.Options(true, false);
    private static final String MARKER = "ffffffffffffffffffffffffffffffff";
    /** ORIGIN IGP, AS_PATH [65001] (4-octet), NEXT_HOP 192.0.2.2. */
    private static final String ATTRS = "40010100" + "40020602010000fde9" + "400304c0000202";
    private static final String NLRI = "20cb007109"; // 203.0.113.9/32

    /** A message of {@code type} with that body, its header length right. */
    static ByteBuf message(int type, String body) {
        byte[] b = ByteBufUtil.decodeHexDump(body);
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(ByteBufUtil.decodeHexDump(MARKER));
        out.writeShort(19 + b.length);
        out.writeByte(type);
        out.writeBytes(b);
        return out;
    }

    /** An UPDATE with no withdrawn routes, these attributes and NLRI. */
    static ByteBuf update(String attributes, String nlri) {
        return message(Bgp.UPDATE, "0000" + String.format("%04x", attributes.length() / 2) + attributes + nlri);
    }

    private static MessageError malformed(ByteBuf b, Decoder.Options o) {
        Message m = Decoder.decode(b, o);
        assertThat(m).isInstanceOf(Message.Malformed.class);
        MessageError e = ((Message.Malformed) m).error();
        assertThat(e.action()).isEqualTo(Action.SESSION_RESET);
        return e;
    }

    private static MessageError only(ByteBuf b, Decoder.Options o) {
        Message m = Decoder.decode(b, o);
        assertThat(m).isInstanceOf(Update.class);
        assertThat(((Update) m).errors()).hasSize(1);
        return ((Update) m).errors().get(0);
    }

    private static void is(MessageError e, int code, int subcode, String dataHex) {
        assertThat(e.code()).as("code").isEqualTo(code);
        assertThat(e.subcode()).as("subcode").isEqualTo(subcode);
        assertThat(ByteBufUtil.hexDump(e.data())).as("data").isEqualTo(dataHex);
    }

    // ---- header -------------------------------------------------------------------------------------

    @Test
    void decode_markerNotAllOnes_connectionNotSynchronized() {
        ByteBuf b = message(Bgp.KEEPALIVE, "");
        b.setByte(3, 0xfe);

        is(malformed(b, EBGP), 1, 1, "");
    }

    @Test
    void decode_lengthFieldBelow19_badMessageLengthWithTheLength() {
        ByteBuf b = message(Bgp.KEEPALIVE, "");
        b.setShort(16, 18);

        is(malformed(b, EBGP), 1, 2, "0012");
    }

    @Test
    void decode_lengthFieldAbove4096_badMessageLength() {
        ByteBuf b = message(Bgp.UPDATE, "0".repeat(2 * 4078));

        is(malformed(b, EBGP), 1, 2, "1001");
    }

    @Test
    void decode_keepaliveWithABody_badMessageLength() {
        is(malformed(message(Bgp.KEEPALIVE, "00"), EBGP), 1, 2, "0014");
    }

    @Test
    void decode_shortOpenAndNotification_badMessageLength() {
        is(malformed(message(Bgp.OPEN, "04fde9000ac0000202"), EBGP), 1, 2, "001c");
        is(malformed(message(Bgp.NOTIFICATION, "06"), EBGP), 1, 2, "0014");
        is(malformed(message(Bgp.UPDATE, "000000"), EBGP), 1, 2, "0016");
    }

    @Test
    void decode_unknownType_badMessageTypeWithTheType() {
        is(malformed(message(9, ""), EBGP), 1, 3, "09");
    }

    @Test
    void decode_fewerThan19Bytes_badMessageLength() {
        is(malformed(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(MARKER + "00")), EBGP), 1, 2, "0011");
    }

    @Test
    void frameLength_badMarkerOrLength_badHeaderEvenBeforeTheWholeMessage() {
        ByteBuf bad = message(Bgp.KEEPALIVE, "");
        bad.setByte(0, 0);
        ByteBuf huge = message(Bgp.KEEPALIVE, "");
        huge.setShort(16, 5000);
        ByteBuf partial = message(Bgp.OPEN, "04fde9000ac000020200");
        partial.writerIndex(25);

        assertThat(Decoder.frameLength(bad)).isEqualTo(Decoder.BAD_HEADER);
        assertThat(Decoder.frameLength(huge)).isEqualTo(Decoder.BAD_HEADER);
        assertThat(Decoder.frameLength(partial)).isZero();
        assertThat(Decoder.frameLength(message(Bgp.KEEPALIVE, ""))).isEqualTo(19);
    }

    // ---- OPEN ---------------------------------------------------------------------------------------

    @Test
    void decode_openVersion3_unsupportedVersionNumberWithOurs() {
        is(malformed(message(Bgp.OPEN, "03fde9000ac000020200"), EBGP), 2, 1, "0004");
    }

    @Test
    void decode_openHoldTimeTwo_unacceptableHoldTime() {
        is(malformed(message(Bgp.OPEN, "04fde90002c000020200"), EBGP), 2, 6, "");
    }

    @Test
    void decode_openHoldTimeZeroOrThree_accepted() {
        assertThat(Decoder.decode(message(Bgp.OPEN, "04fde90000c000020200"), EBGP)).isInstanceOf(Message.Open.class);
        assertThat(Decoder.decode(message(Bgp.OPEN, "04fde90003c000020200"), EBGP)).isInstanceOf(Message.Open.class);
    }

    @Test
    void decode_openIdentifierZero_badBgpIdentifier() {
        is(malformed(message(Bgp.OPEN, "04fde9000a0000000000"), EBGP), 2, 3, "");
    }

    @Test
    void decode_openAsZero_badPeerAs() {
        is(malformed(message(Bgp.OPEN, "040000000ac000020200"), EBGP), 2, 2, "0000");
        // 4-octet AS capability of 0 (RFC 7607)
        is(malformed(message(Bgp.OPEN, "04fde9000ac000020208" + "0206" + "410400000000"), EBGP), 2, 2, "00000000");
    }

    @Test
    void decode_openAuthenticationParameter_unsupportedOptionalParameter() {
        is(malformed(message(Bgp.OPEN, "04fde9000ac000020203" + "010100"), EBGP), 2, 4, "");
    }

    @Test
    void decode_openParametersLengthWrong_openMessageErrorUnspecific() {
        is(malformed(message(Bgp.OPEN, "04fde9000ac000020205" + "0206410400"), EBGP), 2, 0, "");
        is(malformed(message(Bgp.OPEN, "04fde9000ac000020209" + "0207" + "410400000001"), EBGP), 2, 0, "");
    }

    @Test
    void decode_openCapabilityOverrunsItsParameter_openMessageErrorUnspecific() {
        is(malformed(message(Bgp.OPEN, "04fde9000ac000020206" + "0204" + "41040000"), EBGP), 2, 0, "");
    }

    @Test
    void decode_openFourOctetCapabilityOfTwoBytes_openMessageErrorUnspecific() {
        is(malformed(message(Bgp.OPEN, "04fde9000ac000020206" + "0204" + "4102fde9"), EBGP), 2, 0, "");
    }

    @Test
    void decode_openUnknownCapability_ignored() {
        Message m = Decoder.decode(message(Bgp.OPEN, "04fde9000ac000020206" + "0204" + "7702abcd"), EBGP);

        assertThat(((Message.Open) m).capabilityCodes()).containsExactly(0x77);
    }

    @Test
    void decode_openExtendedOptionalParameters_rfc9072() {
        // length 255, type 255, 2-octet length 9, then a parameter with a 2-octet length 6
        Message m = Decoder.decode(message(Bgp.OPEN, "04fde9000ac0000202" + "ff" + "ff0009" + "020006"
                + "41040000fde9"), EBGP);

        assertThat(m).isInstanceOf(Message.Open.class);
        assertThat(((Message.Open) m).fourOctetAs()).isEqualTo(0x0000fde9);
    }

    // ---- UPDATE: session reset (RFC 7606 4 and 5.3) -------------------------------------------------------

    @Test
    void decode_withdrawnLengthOverrunsMessage_malformedAttributeList() {
        is(malformed(message(Bgp.UPDATE, "00100000"), EBGP), 3, 1, "");
    }

    @Test
    void decode_totalAttributeLengthOverrunsMessage_malformedAttributeList() {
        is(malformed(message(Bgp.UPDATE, "0000" + "0020" + "40010100"), EBGP), 3, 1, "");
    }

    @Test
    void decode_prefixLongerThan32_invalidNetworkField() {
        is(malformed(update(ATTRS, "21cb00710900"), EBGP), 3, 10, "");
        is(malformed(message(Bgp.UPDATE, "0005" + "28cb007109" + "0000"), EBGP), 3, 10, "");
    }

    @Test
    void decode_prefixOverrunsNlri_invalidNetworkField() {
        is(malformed(update(ATTRS, "20cb0071"), EBGP), 3, 10, "");
    }

    @Test
    void decode_mpReachFlagsWrong_attributeFlagsErrorSessionReset() {
        String mp = "c00e" + "15" + "000201" + "10" + "20010db8000000000000000000000001" + "00";
        is(malformed(update(mp, ""), EBGP), 3, 4, "c00e15000201" + "1020010db8000000000000000000000001" + "00");
    }

    @Test
    void decode_mpReachIpv6NextHopOfFiveBytes_optionalAttributeError() {
        String mp = "800e" + "0a" + "000201" + "05" + "2001db8000" + "00";
        is(malformed(update(mp, ""), EBGP), 3, 9, "800e0a000201052001db800000");
    }

    @Test
    void decode_mpReachRepeated_malformedAttributeList() {
        String mp = "800f" + "03" + "000201";
        is(malformed(update(mp + mp, ""), EBGP), 3, 1, "");
    }

    @Test
    void decode_mpUnreachPrefixOf129Bits_invalidNetworkField() {
        is(malformed(update("800f" + "04" + "000201" + "81", ""), EBGP), 3, 10, "");
    }

    // ---- UPDATE: treat-as-withdraw and attribute-discard (RFC 7606 3 and 7) --------------------------

    @Test
    void decode_originSeven_invalidOriginTreatAsWithdraw() {
        MessageError e = only(update("40010107" + ATTRS.substring(8), NLRI), EBGP);

        is(e, 3, 6, "40010107");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_originOfTwoBytes_attributeLengthErrorTreatAsWithdraw() {
        MessageError e = only(update("4001020000" + ATTRS.substring(8), NLRI), EBGP);

        is(e, 3, 5, "4001020000");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_originMarkedOptional_attributeFlagsErrorTreatAsWithdraw() {
        MessageError e = only(update("c0010100" + ATTRS.substring(8), NLRI), EBGP);

        is(e, 3, 4, "c0010100");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_asPathSegmentType9_malformedAsPathTreatAsWithdraw() {
        MessageError e = only(update("40010100" + "40020609010000fde9" + "400304c0000202", NLRI), EBGP);

        is(e, 3, 11, "");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_asPathTwoOctetOnFourOctetSession_malformedAsPath() {
        // a 2-octet AS_PATH [65001] read as 4 octets overruns its segment
        MessageError e = only(update("40010100" + "4002040201fde9" + "400304c0000202", NLRI), EBGP);

        is(e, 3, 11, "");
    }

    @Test
    void decode_nextHopOfFiveBytes_attributeLengthError() {
        MessageError e = only(update("40010100" + "40020602010000fde9" + "400305c000020200", NLRI), EBGP);

        is(e, 3, 5, "400305c000020200");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_communitiesOfThreeBytes_attributeLengthErrorTreatAsWithdraw() {
        MessageError e = only(update(ATTRS + "c00803fde800", NLRI), EBGP);

        is(e, 3, 5, "c00803fde800");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_missingOrigin_missingWellKnownAttributeNamesIt() {
        MessageError e = only(update(ATTRS.substring(8), NLRI), EBGP);

        is(e, 3, 3, "01");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_missingNextHop_missingWellKnownAttribute() {
        is(only(update("40010100" + "40020602010000fde9", NLRI), EBGP), 3, 3, "03");
    }

    @Test
    void decode_ibgpWithoutLocalPref_missingWellKnownAttribute() {
        is(only(update(ATTRS, NLRI), new Decoder.Options(true, true)), 3, 3, "05");
    }

    @Test
    void decode_withdrawalOnly_needsNoAttributes() {
        Update u = (Update) Decoder.decode(message(Bgp.UPDATE, "0005" + NLRI + "0000"), EBGP);

        assertThat(u.errors()).isEmpty();
        assertThat(u.withdrawn()).hasSize(1);
    }

    @Test
    void decode_unrecognizedWellKnownAttribute_treatAsWithdraw() {
        MessageError e = only(update(ATTRS + "406301ff", NLRI), EBGP);

        is(e, 3, 2, "406301ff");
    }

    @Test
    void decode_unknownOptionalAttribute_kept() {
        Update u = (Update) Decoder.decode(update(ATTRS + "c06301ff", NLRI), EBGP);

        assertThat(u.errors()).isEmpty();
        assertThat(u.otherAttributes()).containsExactly(0x63);
    }

    @Test
    void decode_originRepeated_laterOneDiscarded() {
        Update u = (Update) Decoder.decode(update(ATTRS + "40010102", NLRI), EBGP);

        assertThat(u.origin()).isZero();
        assertThat(u.errors()).hasSize(1);
        assertThat(u.errors().get(0).action()).isEqualTo(Action.ATTRIBUTE_DISCARD);
        assertThat(u.treatAsWithdraw()).isFalse();
    }

    @Test
    void decode_attributeOverrunsTheAttributes_treatAsWithdraw() {
        MessageError e = only(update(ATTRS + "c00808fde80064", NLRI), EBGP);

        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
        is(e, 3, 5, "c00808fde80064");
    }

    @Test
    void decode_attributeHeaderCutShort_treatAsWithdraw() {
        MessageError e = only(update(ATTRS + "c0", NLRI), EBGP);

        is(e, 3, 1, "");
        assertThat(e.action()).isEqualTo(Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void decode_malformedAs4Path_discarded() {
        Update u = (Update) Decoder.decode(update("40010100" + "40020402015ba0" + "400304c0000202"
                + "c0110402015ba0", NLRI), Decoder.Options.INITIAL);

        assertThat(u.as4Path()).isNull();
        assertThat(u.errors()).hasSize(1);
        is(u.errors().get(0), 3, 9, "c0110402015ba0");
        assertThat(u.errors().get(0).action()).isEqualTo(Action.ATTRIBUTE_DISCARD);
    }

    @Test
    void decode_atomicAggregateWithAValue_discarded() {
        Update u = (Update) Decoder.decode(update(ATTRS + "40060100", NLRI), EBGP);

        assertThat(u.atomicAggregate()).isFalse();
        assertThat(u.errors().get(0).action()).isEqualTo(Action.ATTRIBUTE_DISCARD);
    }

    // ---- NOTIFICATION and ROUTE-REFRESH ------------------------------------------------------------

    @Test
    void decode_notification_codeSubcodeData() {
        Message m = Decoder.decode(message(Bgp.NOTIFICATION, "0202fde9"), EBGP);

        assertThat(m).isEqualTo(new Message.Notification(2, 2, new byte[] {(byte) 0xfd, (byte) 0xe9}));
    }

    @Test
    void decode_routeRefresh_decoded() {
        assertThat(Decoder.decode(message(Bgp.ROUTE_REFRESH, "00010001"), EBGP))
                .isEqualTo(new Message.RouteRefresh(1, 1));
    }

    @Test
    void decode_routeRefreshOf24Bytes_routeRefreshInvalidLengthWithTheMessage() {
        ByteBuf b = message(Bgp.ROUTE_REFRESH, "0001000100");

        is(malformed(b, EBGP), 7, 1, ByteBufUtil.hexDump(b));
    }

    @Test
    void decode_doesNotMoveTheBufferIndexes() {
        ByteBuf b = update(ATTRS, NLRI);
        int r = b.readerIndex();
        int w = b.writerIndex();

        Decoder.decode(b, EBGP);

        assertThat(b.readerIndex()).isEqualTo(r);
        assertThat(b.writerIndex()).isEqualTo(w);
    }
}
