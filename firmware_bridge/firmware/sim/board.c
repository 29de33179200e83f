/* The firmware on a simulated board: simavr runs the real AVR image, its UART on a pty
 * (libsimavrparts' uart_pty), and a modelled converter turns a known force into codes:
 * an HX711 on PD2/PD3, or a NAU7802 on the I2C bus (TWI) at address 0x2A.
 *
 *   board FIRMWARE.elf [hx711|nau7802]
 *
 * Prints "port: /dev/pts/N" (as `pressure-monitor simulate` does), then runs in real time
 * until stopped. The load cell sees force(t) = 10 + 8 sin(2 pi 0.25 t) N, converted as
 * counts = -52000 + 1234.5 * force, so a test can check every decoded sample against the
 * device time it carries (tests/test_firmware.py holds the same formula).
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "avr_ioport.h"
#include "avr_twi.h"
#include "sim_avr.h"
#include "sim_elf.h"
#include "sim_time.h"
#include "uart_pty.h"

#define DOUT_PIN 2
#define SCK_PIN 3

typedef struct {
    avr_t *avr;
    avr_irq_t *dout;
    int32_t code;     /* the conversion waiting to be shifted out */
    int pulses;       /* clock pulses since it was latched */
    uint32_t period_us;
    unsigned conversions, reads;
} hx711;

static volatile sig_atomic_t stopping;

static void on_signal(int signum) {
    (void)signum;
    stopping = 1;
}

static double force_at(double t) { return 10.0 + 8.0 * sin(2.0 * M_PI * 0.25 * t); }

static int32_t counts_at(avr_t *avr, avr_cycle_count_t when) {
    double t = (double)avr_cycles_to_usec(avr, when) * 1e-6;
    return (int32_t)lround(-52000.0 + 1234.5 * force_at(t));
}

/* NAU7802: registers behind an I2C register pointer. Power-up-ready follows digital
 * power-up, a calibration finishes at once, and with CS set a conversion lands every
 * period: CR goes up, and reading ADCO_B2 takes it down. */
enum { PU_CTRL = 0x00, CTRL2 = 0x02, ADCO_B2 = 0x12, PU_PUD = 0x02, PU_PUR = 0x08,
       PU_CS = 0x10, PU_CR = 0x20, CTRL2_CALS = 0x04, NAU_ADDRESS = 0x2A };

typedef struct {
    avr_t *avr;
    avr_irq_t *to_avr;
    uint8_t reg[32];
    uint8_t pointer, selected, written;
    uint32_t period_us;
    unsigned conversions, reads;
} nau7802;

static void nau_write(nau7802 *chip, uint8_t reg, uint8_t value) {
    if (reg == PU_CTRL) {
        value = (uint8_t)((value & ~(PU_PUR | PU_CR)) | (chip->reg[PU_CTRL] & PU_CR));
        if (value & PU_PUD) {
            value |= PU_PUR;
        }
        if (value & 0x01) { /* register reset */
            memset(chip->reg, 0, sizeof chip->reg);
            value = 0x01;
        }
    } else if (reg == CTRL2) {
        value &= (uint8_t)~CTRL2_CALS; /* calibrated at once */
    }
    chip->reg[reg & 31] = value;
}

static uint8_t nau_read(nau7802 *chip, uint8_t reg) {
    uint8_t value = chip->reg[reg & 31];
    if (reg == ADCO_B2) {
        chip->reg[PU_CTRL] &= (uint8_t)~PU_CR;
        chip->reads++;
    }
    return value;
}

static void nau_bus(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    nau7802 *chip = param;
    avr_twi_msg_irq_t message = {.u.v = value};
    uint8_t kind = message.u.twi.msg;
    if (kind & TWI_COND_STOP) {
        chip->selected = 0;
    }
    if (kind & TWI_COND_START) {
        chip->selected = (message.u.twi.addr >> 1) == NAU_ADDRESS;
        chip->written = 0;
        if (chip->selected) {
            avr_raise_irq(chip->to_avr, avr_twi_irq_msg(TWI_COND_ACK, message.u.twi.addr, 1));
        }
    }
    if (!chip->selected) {
        return;
    }
    if (kind & TWI_COND_WRITE) {
        avr_raise_irq(chip->to_avr, avr_twi_irq_msg(TWI_COND_ACK, message.u.twi.addr, 1));
        if (chip->written++ == 0) {
            chip->pointer = message.u.twi.data;
        } else {
            nau_write(chip, chip->pointer++, message.u.twi.data);
        }
    }
    if (kind & TWI_COND_READ) {
        uint8_t data = nau_read(chip, chip->pointer++);
        avr_raise_irq(chip->to_avr, avr_twi_irq_msg(TWI_COND_READ, message.u.twi.addr, data));
    }
}

static avr_cycle_count_t nau_convert(avr_t *avr, avr_cycle_count_t when, void *param) {
    nau7802 *chip = param;
    if (chip->reg[PU_CTRL] & PU_CS) {
        uint32_t code = (uint32_t)counts_at(avr, when) & 0xFFFFFF;
        chip->reg[ADCO_B2] = (uint8_t)(code >> 16);
        chip->reg[ADCO_B2 + 1] = (uint8_t)(code >> 8);
        chip->reg[ADCO_B2 + 2] = (uint8_t)code;
        chip->reg[PU_CTRL] |= PU_CR;
        chip->conversions++;
    }
    return when + avr_usec_to_cycles(avr, chip->period_us);
}

static avr_cycle_count_t convert(avr_t *avr, avr_cycle_count_t when, void *param) {
    hx711 *chip = param;
    chip->code = counts_at(avr, when);
    chip->pulses = 0;
    chip->conversions++;
    avr_raise_irq(chip->dout, 0); /* DOUT low: a conversion waits */
    return when + avr_usec_to_cycles(avr, chip->period_us);
}

static void clock_edge(struct avr_irq_t *irq, uint32_t value, void *param) {
    hx711 *chip = param;
    if (!value || irq->value) { /* act on rising edges only */
        return;
    }
    chip->pulses++;
    if (chip->pulses <= 24) {
        uint32_t bits = (uint32_t)chip->code & 0xFFFFFF;
        avr_raise_irq(chip->dout, (bits >> (24 - chip->pulses)) & 1);
    } else if (chip->pulses == 25) {
        chip->reads++;
        avr_raise_irq(chip->dout, 1); /* busy until the next conversion */
    }
}

static double wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + now.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *adc = argc > 2 ? argv[2] : "hx711";
    if (argc < 2 || (strcmp(adc, "hx711") != 0 && strcmp(adc, "nau7802") != 0)) {
        fprintf(stderr, "usage: %s FIRMWARE.elf [hx711|nau7802]\n", argv[0]);
        return 2;
    }
    elf_firmware_t firmware;
    memset(&firmware, 0, sizeof firmware);
    if (elf_read_firmware(argv[1], &firmware) != 0) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    avr_t *avr = avr_make_mcu_by_name("atmega328p");
    if (!avr) {
        fprintf(stderr, "simavr has no atmega328p\n");
        return 2;
    }
    avr_init(avr);
    avr_load_firmware(avr, &firmware);
    avr->frequency = 16000000;
    avr->log = LOG_ERROR;

    uart_pty_t uart;
    uart_pty_init(avr, &uart);
    uart_pty_connect(&uart, '0');

    hx711 chip = {avr, avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), DOUT_PIN), 0, 0,
                  12500, 0, 0};
    nau7802 nau = {.avr = avr, .period_us = 12500};
    if (strcmp(adc, "hx711") == 0) {
        avr_raise_irq(chip.dout, 1);
        avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), SCK_PIN),
                                clock_edge, &chip);
        avr_cycle_timer_register_usec(avr, chip.period_us, convert, &chip);
    } else {
        nau.to_avr = avr_io_getirq(avr, AVR_IOCTL_TWI_GETIRQ(0), TWI_IRQ_INPUT);
        avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_TWI_GETIRQ(0), TWI_IRQ_OUTPUT),
                                nau_bus, &nau);
        avr_cycle_timer_register_usec(avr, nau.period_us, nau_convert, &nau);
    }

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("port: %s\n", uart.pty.slavename);
    fflush(stdout);

    double started = wall_seconds();
    int state = cpu_Running;
    while (!stopping && state != cpu_Done && state != cpu_Crashed) {
        for (int i = 0; i < 10000 && state != cpu_Done && state != cpu_Crashed; i++) {
            state = avr_run(avr);
        }
        double ahead = (double)avr->cycle / avr->frequency - (wall_seconds() - started);
        if (ahead > 0.001) {
            usleep((useconds_t)(ahead * 1e6)); /* real time, as a board runs */
        }
    }
    fprintf(stderr, "%u conversions, %u read, cpu state %d\n",
            chip.conversions + nau.conversions, chip.reads + nau.reads, state);
    fflush(stderr);
    /* Not uart_pty_stop(): its thread can miss the signal meant to end it and the join then
     * waits forever. Exiting closes the pty all the same. */
    _exit(state == cpu_Crashed ? 1 : 0);
}
